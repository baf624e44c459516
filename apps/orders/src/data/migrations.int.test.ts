import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { checkMigrationsReversible, formatLintFindings, lintMigrations } from '@groundwork/db';
import { createTestDatabase } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { expect, test } from 'vitest';
import { migrationsDir } from '../../test/orders-database.ts';

const db = usePostgres();
const prismaConfig = path.join(import.meta.dirname, '..', '..', 'prisma.config.ts');

test('when migrations go up, down and up again, then every step restores its schema', async () => {
  await checkMigrationsReversible({ databaseUrl: db.url, migrationsDir, prismaConfig });
}, 120_000);

test('when migrations are linted, then no destructive step lacks an expand-contract note', async () => {
  const findings = await lintMigrations(migrationsDir);
  expect(findings, formatLintFindings(findings)).toEqual([]);
});

/**
 * Who may see and do what in the schema: row-level security flags, policies, and the privileges
 * granted to roles other than each object's owner. The reversible check above compares tables,
 * columns, constraints, indexes, functions and triggers, not these; tenancy rests on them.
 */
const ACCESS_SNAPSHOT = `
  SELECT format('row security %I enabled %s forced %s', relname, relrowsecurity, relforcerowsecurity) AS line
    FROM pg_class WHERE relnamespace = current_schema()::regnamespace AND relkind = 'r'
  UNION ALL
  SELECT format('policy %I.%I %s to %s using %s check %s', tablename, policyname, cmd, roles, qual, with_check)
    FROM pg_policies WHERE schemaname = current_schema()
  UNION ALL
  SELECT format('grant %s on %I to %s', g.privilege_type, c.relname, g.grantee::regrole)
    FROM pg_class c, aclexplode(c.relacl) g
   WHERE c.relnamespace = current_schema()::regnamespace AND g.grantee <> c.relowner
  UNION ALL
  SELECT format('grant %s (%I) on %I to %s', g.privilege_type, a.attname, c.relname, g.grantee::regrole)
    FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid, aclexplode(a.attacl) g
   WHERE c.relnamespace = current_schema()::regnamespace
  UNION ALL
  SELECT format('grant %s on schema to %s', g.privilege_type, g.grantee::regrole)
    FROM pg_namespace n, aclexplode(n.nspacl) g
   WHERE n.nspname = current_schema() AND g.grantee <> n.nspowner
  ORDER BY 1`;

test('when each migration is undone, then row-level security, policies and grants are as they were before it', async () => {
  const names = (await readdir(migrationsDir, { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const database = await createTestDatabase({ adminUrl: db.adminUrl });
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    const access = async () => (await client.query<{ line: string }>(ACCESS_SNAPSHOT)).rows;
    const script = (name: string, file: string) =>
      readFile(path.join(migrationsDir, name, file), 'utf8');
    const before: { line: string }[][] = [];
    for (const name of names) {
      before.push(await access());
      await client.query(await script(name, 'migration.sql'));
    }
    // The snapshot sees what the migrations set up (else the comparisons below prove nothing).
    expect((await access()).map((row) => row.line)).toEqual(
      expect.arrayContaining([
        'row security products enabled t forced t',
        'grant INSERT on outbox to orders_app',
        'grant UPDATE ("publishedAt") on outbox to orders_relay',
      ]),
    );
    for (let index = names.length - 1; index >= 0; index -= 1) {
      const name = names[index] as string;
      await client.query(await script(name, 'down.sql'));
      expect(await access(), `${name}/down.sql`).toEqual(before[index]);
    }
  } finally {
    await client.end();
    await database.drop();
  }
});
