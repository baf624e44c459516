import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createTestDatabase, type TestDatabase } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, afterEach, beforeEach, describe, expect, test } from 'vitest';
import { databaseUrl, query } from '../../test/support/postgres.ts';
import { applyMigrations } from './apply-migrations.ts';

const server = usePostgres();
const folders: string[] = [];

/** A migrations folder holding `{ folderName: sql }`. */
async function migrationsDir(migrations: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'groundwork-migrations-'));
  folders.push(dir);
  for (const [name, sql] of Object.entries(migrations)) {
    await mkdir(path.join(dir, name));
    await writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

const createUser = 'CREATE TABLE "User" (id text PRIMARY KEY);';
const createPost =
  'CREATE TABLE "Post" (id serial PRIMARY KEY, "authorId" text REFERENCES "User");';

let db: TestDatabase;
beforeEach(async () => {
  db = await createTestDatabase({ adminUrl: server.adminUrl });
});
afterEach(async () => {
  await db.drop();
});
afterAll(async () => {
  for (const dir of folders) await rm(dir, { recursive: true, force: true });
});

describe('applyMigrations', () => {
  test('when migrations are pending, then they run in folder-name order and are recorded with sha256 checksums', async () => {
    const dir = await migrationsDir({ '2_post': createPost, '1_user': createUser });

    const { applied } = await applyMigrations({
      databaseUrl: db.url,
      migrationsDir: dir,
    });

    expect(applied).toEqual(['1_user', '2_post']);
    const rows = await query(
      db.url,
      `SELECT migration_name, checksum, applied_steps_count, finished_at IS NOT NULL AS finished
         FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    const sha256 = (sql: string) => createHash('sha256').update(sql).digest('hex');
    expect(rows).toEqual([
      {
        migration_name: '1_user',
        checksum: sha256(createUser),
        applied_steps_count: 1,
        finished: true,
      },
      {
        migration_name: '2_post',
        checksum: sha256(createPost),
        applied_steps_count: 1,
        finished: true,
      },
    ]);
  });

  test('when every migration is already applied, then a second run applies nothing', async () => {
    const dir = await migrationsDir({ '1_user': createUser });
    await applyMigrations({ databaseUrl: db.url, migrationsDir: dir });

    const { applied } = await applyMigrations({
      databaseUrl: db.url,
      migrationsDir: dir,
    });

    expect(applied).toEqual([]);
  });

  test('when a migration fails, then its changes roll back, its row keeps the error, and later runs refuse', async () => {
    const dir = await migrationsDir({
      '1_user': createUser,
      '2_broken': 'CREATE TABLE "Tag" (id int); SELECT no_such_function();',
    });

    await expect(applyMigrations({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
      'Migration 2_broken failed to apply',
    );

    expect(await query(db.url, `SELECT to_regclass('"Tag"') IS NULL AS gone`)).toEqual([
      { gone: true },
    ]);
    const [row] = await query(
      db.url,
      `SELECT finished_at, logs FROM "_prisma_migrations" WHERE migration_name = '2_broken'`,
    );
    expect(row).toMatchObject({
      finished_at: null,
      logs: expect.stringContaining('no_such_function'),
    });
    await expect(applyMigrations({ databaseUrl: db.url, migrationsDir: dir })).rejects.toThrow(
      'Failed migrations in the target database: 2_broken',
    );
  });

  test('when the URL carries ?schema=, then the tables and the bookkeeping live in that schema', async () => {
    const dir = await migrationsDir({ '1_user': createUser });

    await applyMigrations({
      databaseUrl: databaseUrl(db.url, db.name, { schema: 'tenant_a' }),
      migrationsDir: dir,
    });

    const tables = await query(
      db.url,
      `SELECT table_schema, table_name FROM information_schema.tables
        WHERE table_name IN ('User', '_prisma_migrations') ORDER BY table_name`,
    );
    expect(tables).toEqual([
      { table_schema: 'tenant_a', table_name: 'User' },
      { table_schema: 'tenant_a', table_name: '_prisma_migrations' },
    ]);
  });
});
