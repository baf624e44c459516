import pg from 'pg';
import { expect, test } from 'vitest';
import { quoteIdentifier, withClient } from './postgres-admin.ts';
import { createTestDatabase, dropStaleTestDatabases, dropTestDatabase } from './test-database.ts';
import { describeWithServices, usePostgres } from './vitest.ts';

async function exists(adminUrl: string, name: string): Promise<boolean> {
  return withClient(adminUrl, async (client) => {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    return rowCount === 1;
  });
}

describeWithServices('createTestDatabase', ['postgres'], () => {
  const db = usePostgres();

  test('when no template is given, then an empty database is reachable at its url', async () => {
    const created = await createTestDatabase({ adminUrl: db.adminUrl });
    try {
      const row = await withClient(created.url, async (client) => {
        const result = await client.query(
          "select current_database() as name, count(*)::int as tables from pg_tables where schemaname = 'public'",
        );
        return result.rows[0];
      });
      expect(row).toEqual({ name: created.name, tables: 0 });
      expect(created.name).toMatch(/^gw_test_[0-9a-z]+_[0-9a-f]{8}$/);
    } finally {
      await created.drop();
    }
  });

  test('when it is dropped while a connection is still open, then the server no longer has it', async () => {
    const created = await createTestDatabase({ adminUrl: db.adminUrl });
    const forgotten = new pg.Client({ connectionString: created.url });
    forgotten.on('error', () => {});
    await forgotten.connect();

    await created.drop();

    expect(await exists(db.adminUrl, created.name)).toBe(false);
    await forgotten.end().catch(() => {});
  });

  test('when the name is not a test database, then dropTestDatabase refuses and drops nothing', async () => {
    await expect(dropTestDatabase(db.adminUrl, 'postgres')).rejects.toMatchObject({
      code: 'TESTING_INVALID_ARGUMENT',
      message: 'refusing to drop "postgres": not a test database',
    });
    expect(await exists(db.adminUrl, 'postgres')).toBe(true);
  });

  test('when a test database is older than an hour, then dropStaleTestDatabases drops it and keeps younger ones', async () => {
    const twoHoursAgo = (Date.now() - 2 * 3_600_000).toString(36);
    const stale = `gw_test_${twoHoursAgo}_${'0123abcd'}`;
    await withClient(db.adminUrl, (client) =>
      client.query(`create database ${quoteIdentifier(stale)}`),
    );

    const dropped = await dropStaleTestDatabases(db.adminUrl);

    expect(dropped).toContain(stale);
    expect(dropped).not.toContain(db.name);
    expect(await exists(db.adminUrl, stale)).toBe(false);
    expect(await exists(db.adminUrl, db.name)).toBe(true);
  });
});
