import { checkMigrationsReversible, formatLintFindings, lintMigrations } from '@groundwork/db';
import { usePostgres } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { migrationsDir, prismaConfigPath } from '../../test/worker-database.ts';

const db = usePostgres();

test('when the worker migrations go up, down and up again, then every step restores its schema and matches the Prisma schema', async () => {
  await checkMigrationsReversible({
    databaseUrl: db.url,
    migrationsDir,
    prismaConfig: prismaConfigPath,
  });
}, 120_000);

test('when the worker migrations are linted, then no destructive step lacks an expand-contract note', async () => {
  const findings = await lintMigrations(migrationsDir);
  expect(findings, formatLintFindings(findings)).toEqual([]);
});
