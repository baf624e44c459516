import { createHash, randomUUID } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { quoteIdent, toPgConnection } from '../postgres-url.ts';

/** The advisory lock Prisma's engine holds while it migrates: same id, so the two exclude each other. */
const PRISMA_MIGRATE_LOCK_ID = 72707369;

/** Prisma's bookkeeping table, created with the engine's exact DDL. */
const MIGRATIONS_TABLE_DDL = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface ApplyMigrationsOptions {
  /** The database to migrate; Prisma's `?schema=` is honoured. */
  readonly databaseUrl: string;
  /** The `prisma/migrations` folder: one subfolder per migration, each with `migration.sql`. */
  readonly migrationsDir: string;
}

export interface ApplyMigrationsResult {
  /** Migration folder names applied by this call, in order. */
  readonly applied: readonly string[];
}

/**
 * `prisma migrate deploy` without any Prisma engine: applies pending `migration.sql` files in
 * folder-name order and records them in `_prisma_migrations` exactly as the engine does (sha256
 * checksum, one implicit transaction per script, a row left unfinished on failure), so the real
 * CLI afterwards sees them as applied. For test harnesses and locked-down deploy jobs.
 *
 * @example
 * await applyMigrations({
 *   databaseUrl: 'postgresql://postgres@127.0.0.1:5432/groundwork_orders',
 *   migrationsDir: 'apps/orders/prisma/migrations',
 * });
 */
export async function applyMigrations(
  options: ApplyMigrationsOptions,
): Promise<ApplyMigrationsResult> {
  const migrations = await listMigrations(options.migrationsDir);
  const { connectionString, schema } = toPgConnection(options.databaseUrl);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_ID]);
    await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
    await client.query(MIGRATIONS_TABLE_DDL);
    const { rows } = await client.query<{ migration_name: string; finished: boolean }>(
      `SELECT migration_name, finished_at IS NOT NULL AS finished
         FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const failed = rows.filter((r) => !r.finished).map((r) => r.migration_name);
    if (failed.length > 0) {
      // Prisma's P3009: nothing may run until someone resolves the failed migration.
      throw new Error(
        `Failed migrations in the target database: ${failed.join(', ')}. Resolve them with \`prisma migrate resolve\`.`,
      );
    }
    const done = new Set(rows.map((r) => r.migration_name));
    const applied: string[] = [];
    for (const migration of migrations.filter((m) => !done.has(m.name))) {
      await applyOne(client, migration);
      applied.push(migration.name);
    }
    return { applied };
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface MigrationFile {
  readonly name: string;
  readonly sql: Buffer;
}

async function listMigrations(migrationsDir: string): Promise<MigrationFile[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const names = entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b));
  const migrations: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    if (!(await stat(file).catch(() => undefined))?.isFile()) continue;
    migrations.push({ name, sql: await readFile(file) });
  }
  return migrations;
}

async function applyOne(client: pg.Client, { name, sql }: MigrationFile): Promise<void> {
  const id = randomUUID();
  const checksum = createHash('sha256').update(sql).digest('hex');
  await client.query(
    `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count)
     VALUES ($1, $2, $3, now(), 0)`,
    [id, checksum, name],
  );
  try {
    // No parameters: the simple query protocol runs the whole script as one implicit transaction.
    await client.query(sql.toString('utf8'));
  } catch (error) {
    const { message, code } = error as { message: string; code?: string };
    await client.query(`UPDATE "_prisma_migrations" SET logs = $2 WHERE id = $1`, [
      id,
      `Migration failed: ${message}\nDatabase error code: ${code ?? ''}`,
    ]);
    throw new Error(`Migration ${name} failed to apply: ${message}`, { cause: error });
  }
  await client.query(
    `UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1`,
    [id],
  );
}
