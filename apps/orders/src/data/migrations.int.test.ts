import path from 'node:path';
import { checkMigrationsReversible, formatLintFindings, lintMigrations } from '@groundwork/db';
import { createTestDatabase } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { migrationsDir } from '../../test/orders-database.ts';

const db = usePostgres();
const prismaConfig = path.join(import.meta.dirname, '..', '..', 'prisma.config.ts');

/**
 * Known bug, not ours to hide: the offline schema engine (packages/db/engine, Prisma's wasm build)
 * sometimes aborts with `RuntimeError: unreachable` while `prisma migrate diff` introspects a
 * schema with CHECK constraints (about 1 run in 10 here; never without them). Only that abort is
 * retried, on a fresh database; any real difference still fails at once.
 */
const ENGINE_ABORT = /prisma migrate diff failed:[\s\S]*Error in Schema engine/;

test('when migrations go up, down and up again, then every step restores its schema', async () => {
  for (let attempt = 1; ; attempt += 1) {
    const database =
      attempt === 1 ? undefined : await createTestDatabase({ adminUrl: db.adminUrl });
    try {
      await checkMigrationsReversible({
        databaseUrl: database?.url ?? db.url,
        migrationsDir,
        prismaConfig,
      });
      return;
    } catch (error) {
      if (attempt === 3 || !ENGINE_ABORT.test((error as Error).message)) throw error;
    } finally {
      await database?.drop();
    }
  }
}, 120_000);

test('when migrations are linted, then no destructive step lacks an expand-contract note', async () => {
  const findings = await lintMigrations(migrationsDir);
  expect(findings, formatLintFindings(findings)).toEqual([]);
});
