import path from 'node:path';
import { checkMigrationsReversible, formatLintFindings, lintMigrations } from '@groundwork/db';
import { usePostgres } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { migrationsDir } from '../../test/orders-database.ts';

const db = usePostgres();

test('when migrations go up, down and up again, then every step restores its schema', async () => {
  await checkMigrationsReversible({
    databaseUrl: db.url,
    migrationsDir,
    prismaConfig: path.join(import.meta.dirname, '..', '..', 'prisma.config.ts'),
  });
}, 120_000);

test('when migrations are linted, then no destructive step lacks an expand-contract note', async () => {
  const findings = await lintMigrations(migrationsDir);
  expect(findings, formatLintFindings(findings)).toEqual([]);
});
