import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterAll, expect, test } from 'vitest';
import { quoteIdentifier, withClient } from './postgres-admin.ts';
import {
  ensureTemplateDatabase,
  type TemplateSpec,
  templateDatabaseName,
} from './template-database.ts';
import { createTestDatabase } from './test-database.ts';
import { describeWithServices, usePostgres } from './vitest.ts';

/** A migration with one table and one row, counting how often it runs. */
function widgetsTemplate(name: string, version: string) {
  const calls = { count: 0 };
  const spec: TemplateSpec = {
    name,
    version,
    migrate: async (url) => {
      calls.count += 1;
      // Widens the window in which racing callers could build it twice.
      await sleep(50);
      await withClient(url, async (client) => {
        await client.query('create table widgets (id int primary key, label text not null)');
        await client.query("insert into widgets values (1, 'seed')");
      });
    },
  };
  return { spec, calls };
}

async function databasesLike(adminUrl: string, pattern: string): Promise<string[]> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname ~ $1 order by datname',
      [pattern],
    );
    return rows.map((row) => row.datname);
  });
}

describeWithServices('ensureTemplateDatabase', ['postgres'], () => {
  const db = usePostgres();
  // Unique per run, so concurrent runs on one server never share these templates.
  const family = `harness_tpl_${randomBytes(4).toString('hex')}`;

  afterAll(async () => {
    for (const name of await databasesLike(db.adminUrl, `^gw_tpl_${family}`)) {
      await withClient(db.adminUrl, async (client) => {
        await client.query(`alter database ${quoteIdentifier(name)} with is_template false`);
        await client.query(`drop database ${quoteIdentifier(name)} with (force)`);
      });
    }
  });

  test('when eight callers race for a new template, then it is migrated once and all get its name', async () => {
    const { spec, calls } = widgetsTemplate(family, 'race');

    const names = await Promise.all(
      Array.from({ length: 8 }, () => ensureTemplateDatabase(db.adminUrl, spec)),
    );

    expect(calls.count).toBe(1);
    expect(new Set(names)).toEqual(new Set([templateDatabaseName(spec)]));
  });

  test("when a test database is cloned from the template, then it has the template's tables and rows", async () => {
    const { spec } = widgetsTemplate(family, 'race');
    const clone = await createTestDatabase({ adminUrl: db.adminUrl, template: spec });
    try {
      const rows = await withClient(clone.url, async (client) => {
        const result = await client.query('select id, label from widgets');
        return result.rows;
      });
      expect(rows).toEqual([{ id: 1, label: 'seed' }]);
    } finally {
      await clone.drop();
    }
  });

  test('when a new version is built, then templates of older versions of that name are dropped', async () => {
    const old = widgetsTemplate(family, 'v1').spec;
    const current = widgetsTemplate(family, 'v2').spec;
    await ensureTemplateDatabase(db.adminUrl, old);

    await ensureTemplateDatabase(db.adminUrl, current);

    expect(await databasesLike(db.adminUrl, `^gw_tpl_${family}_`)).toEqual([
      templateDatabaseName(current),
    ]);
  });

  test('when migration fails, then the error names the template and no database is left behind', async () => {
    const spec: TemplateSpec = {
      name: `${family}_broken`,
      version: 'v1',
      migrate: async () => {
        throw new Error('syntax error at or near "tabel"');
      },
    };

    const failure = ensureTemplateDatabase(db.adminUrl, spec);

    await expect(failure).rejects.toMatchObject({
      code: 'TESTING_TEMPLATE_MIGRATION_FAILED',
      message: `migrating template "${family}_broken" (version v1) failed`,
      cause: { message: 'syntax error at or near "tabel"' },
    });
    expect(await databasesLike(db.adminUrl, `^gw_tpl_${family}_broken`)).toEqual([]);
  });

  test('when the migrate function leaves a connection open, then the template is still built and cloneable', async () => {
    const leaked: pg.Client[] = [];
    const spec: TemplateSpec = {
      name: `${family}_leaky`,
      version: 'v1',
      migrate: async (url) => {
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => {});
        await client.connect();
        await client.query('create table leaky (id int)');
        leaked.push(client);
      },
    };

    const clone = await createTestDatabase({ adminUrl: db.adminUrl, template: spec });

    try {
      const tables = await withClient(clone.url, async (client) => {
        const result = await client.query("select to_regclass('leaky')::text as name");
        return result.rows;
      });
      expect(tables).toEqual([{ name: 'leaky' }]);
    } finally {
      await clone.drop();
      await Promise.all(leaked.map((client) => client.end().catch(() => {})));
    }
  });
});
