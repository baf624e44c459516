import { spawn } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { toPgConnection } from '../postgres-url.ts';
import { diffSnapshots, snapshotSchema } from './schema-snapshot.ts';

export interface CheckReversibleOptions {
  /** An empty database the check may change freely (a test database). */
  readonly databaseUrl: string;
  /** `prisma/migrations`: every folder needs `migration.sql` and `down.sql`. */
  readonly migrationsDir: string;
  /** The service's `prisma.config.ts`, for `prisma migrate diff` against its Prisma schema. */
  readonly prismaConfig: string;
  /** The Prisma schema the migrations must produce. Default: `schema.prisma` beside `migrationsDir`. */
  readonly schema?: string;
}

/**
 * Proves every migration can be undone: applies all `migration.sql` files, checks with
 * `prisma migrate diff` that the database matches the Prisma schema, applies each `down.sql` in
 * reverse checking the schema is exactly what it was before that migration, then applies all
 * migrations again and checks each step and the Prisma schema once more. Throws an error that
 * names the migration and lists the differing objects.
 *
 * @example
 * const db = usePostgres();
 *
 * test('when migrations go up, down and up again, then every step restores its schema', async () => {
 *   await checkMigrationsReversible({
 *     databaseUrl: db.url,
 *     migrationsDir: 'prisma/migrations',
 *     prismaConfig: 'prisma.config.ts',
 *   });
 * });
 */
export async function checkMigrationsReversible(options: CheckReversibleOptions): Promise<void> {
  const migrations = await readMigrations(options.migrationsDir);
  const { connectionString, schema } = toPgConnection(options.databaseUrl);
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    const snapshot = () => snapshotSchema(client, schema);
    const expectSnapshot = async (expected: string[], failure: string) => {
      const differences = diffSnapshots(expected, await snapshot());
      if (differences.length > 0) throw new Error(`${failure}\n${differences.join('\n')}`);
    };
    const run = async (name: string, file: string, sql: string) => {
      try {
        await client.query(sql);
      } catch (error) {
        throw new Error(`${name}/${file} failed: ${(error as Error).message}`, { cause: error });
      }
    };

    const after: string[][] = [await snapshot()];
    for (const { name, up } of migrations) {
      await run(name, 'migration.sql', up);
      after.push(await snapshot());
    }
    await expectPrismaSchema(options, 'After all migrations');

    for (const [i, { name, down }] of [...migrations.entries()].reverse()) {
      await run(name, 'down.sql', down);
      await expectSnapshot(
        after[i] ?? [],
        `${name}/down.sql does not restore the schema from before ${name}:`,
      );
    }

    for (const [i, { name, up }] of migrations.entries()) {
      await run(name, 'migration.sql (again, after down.sql)', up);
      await expectSnapshot(
        after[i + 1] ?? [],
        `${name}/migration.sql gives another schema after its down.sql:`,
      );
    }
    await expectPrismaSchema(options, 'After down and up again');
  } finally {
    await client.end().catch(() => undefined);
  }
}

interface ReversibleMigration {
  readonly name: string;
  readonly up: string;
  readonly down: string;
}

async function readMigrations(migrationsDir: string): Promise<ReversibleMigration[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const migrations: ReversibleMigration[] = [];
  for (const name of entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const folder = path.join(migrationsDir, name);
    if (!(await stat(path.join(folder, 'migration.sql')).catch(() => undefined))) continue;
    const down = await readFile(path.join(folder, 'down.sql'), 'utf8').catch(() => undefined);
    if (down === undefined)
      throw new Error(`${name} has no down.sql: every migration must be reversible.`);
    migrations.push({ name, up: await readFile(path.join(folder, 'migration.sql'), 'utf8'), down });
  }
  return migrations;
}

const require = createRequire(import.meta.url);
/** Two levels up from src/migrations (or dist/migrations) is the package root. */
const offlineEngine = fileURLToPath(new URL('../../engine/schema-engine.js', import.meta.url));

/** `prisma migrate diff --exit-code`: 0 when the database matches the Prisma schema. */
async function expectPrismaSchema(options: CheckReversibleOptions, when: string): Promise<void> {
  const schema = options.schema ?? path.join(options.migrationsDir, '..', 'schema.prisma');
  const args = [
    require.resolve('prisma/build/index.js'),
    'migrate',
    'diff',
    '--config',
    path.resolve(options.prismaConfig),
    '--from-config-datasource',
    '--to-schema',
    path.resolve(schema),
    '--exit-code',
  ];
  const { code, output } = await new Promise<{ code: number | null; output: string }>(
    (resolve, reject) => {
      const child = spawn(process.execPath, args, {
        env: {
          ...process.env,
          DATABASE_URL: options.databaseUrl,
          PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? offlineEngine,
          CHECKPOINT_DISABLE: '1',
          PRISMA_HIDE_UPDATE_MESSAGE: '1',
        },
      });
      let text = '';
      child.stdout.on('data', (chunk) => {
        text += chunk;
      });
      child.stderr.on('data', (chunk) => {
        text += chunk;
      });
      child.on('error', reject);
      child.on('close', (exitCode) => resolve({ code: exitCode, output: text }));
    },
  );
  if (code === 0) return;
  const reason =
    code === 2 ? 'the database differs from the Prisma schema' : 'prisma migrate diff failed';
  throw new Error(`${when}, ${reason}:\n${output.trim()}`);
}
