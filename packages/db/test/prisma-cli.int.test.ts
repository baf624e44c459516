/**
 * The standard Prisma commands, run as a developer runs them (`npx prisma ...` in a service
 * folder) on a machine that cannot download Prisma's native engine: prisma.config.ts points the
 * CLI at engine/schema-engine.js through `@groundwork/db/prisma-config`.
 *
 * The cases run in order and build on each other like one working session (init, change, custom
 * SQL, deploy elsewhere...): every CLI call costs a second or two, so one story is far cheaper
 * than a fresh setup per case. Each case still asserts one behaviour. Regression cases name the
 * pitfall of the stock wasm engine + adapter-pg they pin (see engine/migration-adapter.js).
 */
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { applyMigrations } from '../src/index.ts';
import {
  createDatabase,
  databaseExists,
  databaseUrl,
  dropDatabases,
  query,
  uniqueDatabaseName,
} from './support/postgres.ts';
import { type CliResult, createServiceFolder, type ServiceFolder } from './support/prisma-cli.ts';

const fixture = path.join(import.meta.dirname, 'fixtures', 'blog');

const names = {
  dev: uniqueDatabaseName('gw_cli_dev'),
  deploy: uniqueDatabaseName('gw_cli_deploy'),
  tenant: uniqueDatabaseName('gw_cli_tenant'),
  shadow: uniqueDatabaseName('gw_cli_shadow'),
  fallback: uniqueDatabaseName('gw_cli_fallback'),
};
const server = usePostgres();
let devUrl: string;
let service: ServiceFolder;

/**
 * `prisma <args>` in the service folder, against the dev database unless told otherwise. The
 * first case runs it through npx, as a developer types it; the rest skip npx's resolution.
 */
function prisma(args: string[], env: Record<string, string> = {}, stdin?: string) {
  return service.prisma(args, { env: { DATABASE_URL: devUrl, ...env }, stdin });
}

/** Whatever the CLI printed, shown when an expectation on the exit code fails. */
function expectExit(result: CliResult, code: number) {
  expect({ code: result.code, output: result.output }).toMatchObject({ code });
}

const inService = (...segments: string[]) => path.join(service.dir, ...segments);

async function migrationFolders(): Promise<string[]> {
  return (await readdir(inService('prisma', 'migrations'), { withFileTypes: true }))
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

async function migrationFile(suffix: string): Promise<string> {
  const folder = (await migrationFolders()).find((name) => name.endsWith(`_${suffix}`));
  if (!folder) throw new Error(`no migration folder ending in _${suffix}`);
  return inService('prisma', 'migrations', folder, 'migration.sql');
}

async function migrationSql(suffix: string): Promise<string> {
  return readFile(await migrationFile(suffix), 'utf8');
}

async function writeMigrationSql(suffix: string, sql: string) {
  await writeFile(await migrationFile(suffix), sql);
}

async function useSchema(file: string) {
  await writeFile(inService('prisma', 'schema.prisma'), await readFile(inService(file)));
}

beforeAll(async () => {
  devUrl = databaseUrl(server.adminUrl, names.dev);
  service = await createServiceFolder(fixture);
});

afterAll(async () => {
  await dropDatabases(server.adminUrl, Object.values(names));
  await service?.remove();
});

describe('prisma CLI on the offline schema engine', { timeout: 60_000 }, () => {
  test('when npx prisma generate runs without a native engine, then the client lands in the service folder', async () => {
    const result = await service.npxPrisma(['generate'], { env: { DATABASE_URL: devUrl } });

    expectExit(result, 0);
    expect(result.output).toContain('Generated Prisma Client');
    expect(existsSync(inService('src', 'generated', 'prisma', 'client.ts'))).toBe(true);
    expect(result.output).not.toContain('binaries.prisma.sh');
  });

  describe('authoring migrations', () => {
    test('when migrate dev runs against a missing database, then it creates the database and an init migration', async () => {
      const result = await prisma(['migrate', 'dev', '--name', 'init']);

      expectExit(result, 0);
      expect(result.output).toContain('Your database is now in sync with your schema');
      expect(await databaseExists(server.adminUrl, names.dev)).toBe(true);
      expect(await migrationSql('init')).toContain('CREATE TABLE "User"');
    });

    test('when the schema changes, then migrate dev --name writes a migration with only that change', async () => {
      await useSchema('schemas/v2.prisma');

      const result = await prisma(['migrate', 'dev', '--name', 'second']);

      expectExit(result, 0);
      const sql = await migrationSql('second');
      expect(sql).toContain('CREATE TYPE "Role"');
      expect(sql).toContain('CREATE TABLE "Post"');
      expect(sql).toContain('ADD COLUMN     "role"');
      expect(sql).not.toContain('CREATE TABLE "User"');
    });

    test('when migrate dev replays the history in a shadow database, then the main database keeps its rows (pitfall: shadow DB pointing at the main DB)', async () => {
      await query(devUrl, `INSERT INTO "User" (id, email) VALUES ('keep-me', 'keep@example.com')`);
      await writeFile(
        inService('prisma', 'schema.prisma'),
        (await readFile(inService('prisma', 'schema.prisma'), 'utf8')).replace(
          'tags     String[]',
          'tags     String[]\n  draft    Boolean  @default(true)',
        ),
      );

      const result = await prisma(['migrate', 'dev', '--name', 'draft'], {
        DEBUG: 'prisma:schemaEngine:stderr',
        GROUNDWORK_SCHEMA_ENGINE_DEBUG: '1',
      });

      expectExit(result, 0);
      const shadows = [
        ...result.output.matchAll(/created shadow database (prisma_migrate_shadow_db_[\w-]+)/g),
      ];
      expect(shadows.length).toBeGreaterThan(0);
      const rows = await query(devUrl, `SELECT id FROM "User" WHERE id = 'keep-me'`);
      expect(rows).toHaveLength(1);
    });

    test('when migrate dev is done, then its temporary shadow databases are dropped', async () => {
      const result = await prisma(['migrate', 'dev', '--name', 'noop'], {
        DEBUG: 'prisma:schemaEngine:stderr',
        GROUNDWORK_SCHEMA_ENGINE_DEBUG: '1',
      });

      expectExit(result, 0);
      const shadows = [
        ...result.output.matchAll(/created shadow database (prisma_migrate_shadow_db_[\w-]+)/g),
      ];
      expect(shadows.length).toBeGreaterThan(0);
      for (const [, name] of shadows)
        expect(await databaseExists(server.adminUrl, name ?? '')).toBe(false);
    });

    test('when nothing changed, then migrate dev reports "Already in sync" and writes no migration', async () => {
      const before = await migrationFolders();

      const result = await prisma(['migrate', 'dev', '--name', 'nothing']);

      expectExit(result, 0);
      expect(result.output).toContain('Already in sync');
      expect(await migrationFolders()).toEqual(before);
    });

    test('when migrate dev --create-only runs, then the migration is written but not applied', async () => {
      const result = await prisma(['migrate', 'dev', '--create-only', '--name', 'backfill']);

      expectExit(result, 0);
      expect(result.output).toContain('without applying it');
      expect(await migrationSql('backfill')).toBe('-- This is an empty migration.');
      const applied = await query(
        devUrl,
        `SELECT 1 FROM "_prisma_migrations" WHERE migration_name LIKE '%_backfill'`,
      );
      expect(applied).toEqual([]);
    });

    test('when a hand-written migration is pending, then migrate dev applies it and finds the schema in sync (pitfall: cold-cache createMigration)', async () => {
      await writeMigrationSql(
        'backfill',
        `UPDATE "User" SET name = 'backfilled' WHERE name IS NULL;\n`,
      );

      const result = await prisma(['migrate', 'dev']);

      expectExit(result, 0);
      expect(result.output).toContain('have been applied');
      expect(result.output).toContain('Your database is now in sync with your schema');
      expect(await query(devUrl, `SELECT name FROM "User" WHERE id = 'keep-me'`)).toEqual([
        { name: 'backfilled' },
      ]);
    });

    test('when a migration has a $$ function body with semicolons, then it is applied as one script (pitfall: scripts split on ";")', async () => {
      const created = await prisma(['migrate', 'dev', '--create-only', '--name', 'trigger']);
      expectExit(created, 0);
      await writeMigrationSql(
        'trigger',
        `CREATE FUNCTION default_name() RETURNS trigger AS $$
BEGIN
  NEW.name := coalesce(NEW.name, 'a;b');
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER user_default_name BEFORE INSERT ON "User" FOR EACH ROW EXECUTE FUNCTION default_name();
`,
      );

      const result = await prisma(['migrate', 'deploy']);

      expectExit(result, 0);
      await query(devUrl, `INSERT INTO "User" (id, email) VALUES ('t1', 't1@example.com')`);
      expect(await query(devUrl, `SELECT name FROM "User" WHERE id = 't1'`)).toEqual([
        { name: 'a;b' },
      ]);
    });
  });

  describe('inspecting and comparing', () => {
    test('when every migration is applied, then migrate status reports the schema up to date', async () => {
      const result = await prisma(['migrate', 'status']);

      expectExit(result, 0);
      expect(result.output).toContain('Database schema is up to date');
    });

    test('when migrations and schema agree, then migrate diff --from-migrations prints an empty migration', async () => {
      const result = await prisma([
        'migrate',
        'diff',
        '--from-migrations',
        'prisma/migrations',
        '--to-schema',
        'prisma/schema.prisma',
        '--script',
      ]);

      expectExit(result, 0);
      expect(result.output).toContain('-- This is an empty migration.');
    });

    test('when diffing a newer schema to an older one, then migrate diff --script prints the down migration', async () => {
      const result = await prisma([
        'migrate',
        'diff',
        '--from-schema',
        'schemas/v2.prisma',
        '--to-schema',
        'schemas/v1.prisma',
        '--script',
      ]);

      expectExit(result, 0);
      expect(result.output).toContain('DROP TABLE "Post"');
      expect(result.output).toContain('DROP TYPE "Role"');
    });

    test('when diffing the migration history to an older schema, then migrate diff prints its down migration', async () => {
      const result = await prisma([
        'migrate',
        'diff',
        '--from-migrations',
        'prisma/migrations',
        '--to-schema',
        'schemas/v1.prisma',
        '--script',
      ]);

      expectExit(result, 0);
      expect(result.output).toContain('DROP TABLE "Post"');
      expect(result.output).toContain('DROP TYPE "Role"');
    });

    test('when the database differs from a schema, then migrate diff --exit-code exits 2 with a summary', async () => {
      const result = await prisma([
        'migrate',
        'diff',
        '--from-config-datasource',
        '--to-schema',
        'schemas/v1.prisma',
        '--exit-code',
      ]);

      expectExit(result, 2);
      expect(result.output).toContain('Removed tables');
    });

    test('when migrate diff gets --output, then it writes the script to that file', async () => {
      const result = await prisma([
        'migrate',
        'diff',
        '--from-empty',
        '--to-schema',
        'prisma/schema.prisma',
        '--script',
        '--output',
        'full.sql',
      ]);

      expectExit(result, 0);
      expect(await readFile(inService('full.sql'), 'utf8')).toContain('CREATE TABLE "Post"');
    });

    test('when db pull reads the database catalog, then it prints the models (pitfall: "char" catalog columns)', async () => {
      const result = await prisma(['db', 'pull', '--print']);

      expectExit(result, 0);
      expect(result.output).toContain('model User');
      expect(result.output).toContain('model Post');
      expect(result.output).toContain('enum Role');
    });

    test('when db pull reads a CHECK constraint, then the engine gets its "char" type as a character, not text, and does not panic', async () => {
      await query(devUrl, `ALTER TABLE "User" ADD CONSTRAINT user_email_check CHECK (email <> '')`);
      try {
        const result = await prisma(['db', 'pull', '--print']);

        // Read as text, contype made the engine panic, and the CLI sometimes still exited 0.
        expect(result.output).not.toMatch(/RuntimeError|panicked/);
        expectExit(result, 0);
        expect(result.output).toContain('model User');
      } finally {
        await query(devUrl, 'ALTER TABLE "User" DROP CONSTRAINT user_email_check');
      }
    });

    test('when db execute gets a script with ";" inside a string, then it runs it as written', async () => {
      const script = `INSERT INTO "User" (id, email) VALUES ('x1', 'a;b@example.com');`;

      const result = await prisma(['db', 'execute', '--stdin'], {}, script);

      expectExit(result, 0);
      expect(result.output).toContain('Script executed successfully');
      expect(await query(devUrl, `SELECT email FROM "User" WHERE id = 'x1'`)).toEqual([
        { email: 'a;b@example.com' },
      ]);
    });
  });

  describe('resetting', () => {
    test('when migrate reset --force runs, then the data is gone and every migration is applied again', async () => {
      const migrations = await migrationFolders();

      const result = await prisma(['migrate', 'reset', '--force']);

      expectExit(result, 0);
      expect(result.output).toContain('Database reset successful');
      expect(await query(devUrl, 'SELECT id FROM "User"')).toEqual([]);
      const applied = await query(
        devUrl,
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL ORDER BY 1',
      );
      expect(applied.map((row) => row.migration_name)).toEqual(migrations);
    });
  });

  describe('deploying to another database', () => {
    let deployUrl: string;
    beforeAll(async () => {
      deployUrl = await createDatabase(server.adminUrl, names.deploy);
    });

    test('when a database has none of the migrations, then migrate status lists them as pending and exits 1', async () => {
      const result = await prisma(['migrate', 'status'], { DATABASE_URL: deployUrl });

      expectExit(result, 1);
      expect(result.output).toContain('have not yet been applied');
    });

    test('when migrate deploy runs, then it applies every pending migration', async () => {
      const result = await prisma(['migrate', 'deploy'], { DATABASE_URL: deployUrl });

      expectExit(result, 0);
      expect(result.output).toContain('All migrations have been successfully applied');
      expect(await query(deployUrl, `SELECT to_regclass('"Post"') IS NOT NULL AS ok`)).toEqual([
        { ok: true },
      ]);
    });

    test('when migrate deploy runs again, then there is nothing to apply', async () => {
      const result = await prisma(['migrate', 'deploy'], { DATABASE_URL: deployUrl });

      expectExit(result, 0);
      expect(result.output).toContain('No pending migrations to apply');
    });

    test('when db push finds the database in sync, then it changes nothing', async () => {
      const result = await prisma(['db', 'push'], { DATABASE_URL: deployUrl });

      expectExit(result, 0);
      expect(result.output).toContain('already in sync');
    });

    test('when db push would drop data, then it refuses without --accept-data-loss', async () => {
      await query(deployUrl, `INSERT INTO "User" (id, email) VALUES ('p1', 'p1@example.com')`);
      await query(deployUrl, `INSERT INTO "Post" (title, "authorId") VALUES ('hello', 'p1')`);

      const result = await prisma(['db', 'push', '--schema', 'schemas/v1.prisma'], {
        DATABASE_URL: deployUrl,
      });

      expectExit(result, 1);
      expect(result.output).toContain('--accept-data-loss');
      expect(await query(deployUrl, 'SELECT title FROM "Post"')).toEqual([{ title: 'hello' }]);
    });

    test('when db push gets --accept-data-loss, then it applies the destructive change', async () => {
      const result = await prisma(
        ['db', 'push', '--schema', 'schemas/v1.prisma', '--accept-data-loss'],
        { DATABASE_URL: deployUrl },
      );

      expectExit(result, 0);
      expect(result.output).toContain('in sync');
      expect(await query(deployUrl, `SELECT to_regclass('"Post"') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);
    });

    test('when DATABASE_URL carries ?schema=, then migrate deploy creates the tables in that schema (pitfall: ?schema= ignored)', async () => {
      await createDatabase(server.adminUrl, names.tenant);
      const tenantUrl = databaseUrl(server.adminUrl, names.tenant, { schema: 'tenant_a' });

      const deploy = await prisma(['migrate', 'deploy'], { DATABASE_URL: tenantUrl });
      const status = await prisma(['migrate', 'status'], { DATABASE_URL: tenantUrl });

      expectExit(deploy, 0);
      expectExit(status, 0);
      const schemas = await query(
        databaseUrl(server.adminUrl, names.tenant),
        `SELECT table_schema FROM information_schema.tables WHERE table_name IN ('User', 'Post', '_prisma_migrations') ORDER BY 1`,
      );
      expect(new Set(schemas.map((row) => row.table_schema))).toEqual(new Set(['tenant_a']));
    });
  });

  describe('shadow databases', () => {
    test('when shadowDatabaseUrl names a database with leftovers, then migrate dev empties it and uses it', async () => {
      const shadowUrl = await createDatabase(server.adminUrl, names.shadow);
      await query(shadowUrl, 'CREATE TABLE leftover (x int)');
      await writeFile(
        inService('prisma', 'schema.prisma'),
        (await readFile(inService('prisma', 'schema.prisma'), 'utf8')).replace(
          'tags     String[]',
          'tags     String[]\n  rating   Int?',
        ),
      );

      const result = await prisma(['migrate', 'dev', '--name', 'rating'], {
        SHADOW_DATABASE_URL: shadowUrl,
      });

      expectExit(result, 0);
      expect(await migrationSql('rating')).toContain('ADD COLUMN     "rating" INTEGER');
      expect(await query(shadowUrl, `SELECT to_regclass('leftover') IS NULL AS gone`)).toEqual([
        { gone: true },
      ]);
    });

    test('when shadowDatabaseUrl is the main database, then migrate dev refuses to touch it', async () => {
      const result = await prisma(['migrate', 'dev', '--name', 'never'], {
        SHADOW_DATABASE_URL: devUrl,
      });

      expect(result.code).not.toBe(0);
      expect(result.output).toContain('same as the main database');
      expect(await query(devUrl, 'SELECT count(*)::int AS n FROM "_prisma_migrations"')).toEqual([
        { n: (await migrationFolders()).length },
      ]);
    });
  });

  describe('applying migrations without any engine', () => {
    test('when applyMigrations has run, then the real CLI sees every migration as applied and no drift', async () => {
      const fallbackUrl = await createDatabase(server.adminUrl, names.fallback);

      const { applied } = await applyMigrations({
        databaseUrl: fallbackUrl,
        migrationsDir: inService('prisma', 'migrations'),
      });

      expect(applied).toEqual(await migrationFolders());
      const status = await prisma(['migrate', 'status'], { DATABASE_URL: fallbackUrl });
      expectExit(status, 0);
      expect(status.output).toContain('Database schema is up to date');
      const deploy = await prisma(['migrate', 'deploy'], { DATABASE_URL: fallbackUrl });
      expect(deploy.output).toContain('No pending migrations to apply');
      const dev = await prisma(['migrate', 'dev', '--name', 'none'], { DATABASE_URL: fallbackUrl });
      expectExit(dev, 0);
      expect(dev.output).toContain('Already in sync');
    });
  });
});
