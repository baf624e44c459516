import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterEach, describe, expect, test } from 'vitest';
import { shopMigrationsDir } from '../../test/support/shop-database.ts';
import { checkMigrationsReversible } from './check-reversible.ts';

const server = usePostgres();
const shop = path.join(shopMigrationsDir, '..', '..');
const prismaConfig = path.join(shop, 'prisma.config.ts');
const schema = path.join(shop, 'prisma', 'schema.prisma');

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ adminUrl: server.adminUrl });
  cleanups.push(() => db.drop());
  return db;
}

/** The shop migrations plus `extra` migrations: `{ folder: { up, down? } }`. */
async function migrationsWith(
  extra: Record<string, { up: string; down?: string }>,
): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'groundwork-reversible-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cp(shopMigrationsDir, dir, { recursive: true });
  for (const [name, { up, down }] of Object.entries(extra)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), up);
    if (down !== undefined) await writeFile(path.join(dir, name, 'down.sql'), down);
  }
  return dir;
}

const touchFunction = `CREATE FUNCTION touch_product() RETURNS trigger AS $$
BEGIN
  NEW."version" := OLD."version" + 1;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER product_touch BEFORE UPDATE ON "Product" FOR EACH ROW EXECUTE FUNCTION touch_product();`;

describe('checkMigrationsReversible', { timeout: 30_000 }, () => {
  test('when every migration is applied, reverted and applied again, then the schema is identical', async () => {
    const db = await emptyDatabase();

    await expect(
      checkMigrationsReversible({
        databaseUrl: db.url,
        migrationsDir: shopMigrationsDir,
        prismaConfig,
      }),
    ).resolves.toBeUndefined();
  });

  test('when a hand-written migration and its down.sql match, then the check passes', async () => {
    const db = await emptyDatabase();
    const migrationsDir = await migrationsWith({
      '20261201000000_touch': {
        up: touchFunction,
        down: 'DROP TRIGGER product_touch ON "Product";\nDROP FUNCTION touch_product();',
      },
    });

    await expect(
      checkMigrationsReversible({ databaseUrl: db.url, migrationsDir, prismaConfig, schema }),
    ).resolves.toBeUndefined();
  });

  test('when a down.sql leaves something behind, then the check names the migration and the leftover', async () => {
    const db = await emptyDatabase();
    const migrationsDir = await migrationsWith({
      '20261201000000_touch': {
        up: touchFunction,
        down: 'DROP TRIGGER product_touch ON "Product";',
      },
    });

    const check = checkMigrationsReversible({
      databaseUrl: db.url,
      migrationsDir,
      prismaConfig,
      schema,
    });

    await expect(check).rejects.toThrow(
      '20261201000000_touch/down.sql does not restore the schema from before 20261201000000_touch:\n+ function touch_product() ',
    );
  });

  test('when a migration has no down.sql, then the check refuses before touching the database', async () => {
    const db = await emptyDatabase();
    const migrationsDir = await migrationsWith({ '20261201000000_note': { up: 'SELECT 1;' } });

    const check = checkMigrationsReversible({
      databaseUrl: db.url,
      migrationsDir,
      prismaConfig,
      schema,
    });

    await expect(check).rejects.toThrow('20261201000000_note has no down.sql');
  });

  test('when the migrations do not produce the Prisma schema, then the check fails with Prisma diff summary', async () => {
    const db = await emptyDatabase();
    const migrationsDir = await migrationsWith({
      '20261201000000_extra': {
        up: 'CREATE TABLE "Stray" ("id" INTEGER PRIMARY KEY);',
        down: 'DROP TABLE "Stray";',
      },
    });

    const check = checkMigrationsReversible({
      databaseUrl: db.url,
      migrationsDir,
      prismaConfig,
      schema,
    });

    await expect(check).rejects.toThrow(
      /After all migrations, the database differs from the Prisma schema:[\s\S]*Stray/,
    );
  });
});
