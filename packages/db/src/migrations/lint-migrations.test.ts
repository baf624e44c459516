import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { shopMigrationsDir } from '../../test/support/shop-database.ts';
import { formatLintFindings, lintMigrationSql, lintMigrations } from './lint-migrations.ts';

const rulesOf = (sql: string) => lintMigrationSql('m', sql).map((finding) => finding.rule);

describe('lintMigrationSql', () => {
  test('when a migration only adds (tables, indexes, keys, optional or defaulted columns, enum values), then nothing is flagged', async () => {
    const init = await readFile(
      path.join(shopMigrationsDir, '20261127080650_init', 'migration.sql'),
      'utf8',
    );
    const additive = `${init}
ALTER TABLE "Product" ADD COLUMN "note" TEXT, ADD COLUMN "stock" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Product" ADD COLUMN "seq" SERIAL NOT NULL;
ALTER TABLE "Product" ALTER COLUMN "name" DROP NOT NULL;
ALTER TABLE "Product" RENAME CONSTRAINT "Product_pkey" TO "Product_id_pkey";
ALTER TYPE "Role" ADD VALUE 'AUDITOR';
DROP INDEX "Product_tenantId_createdAt_id_idx";`;

    expect(lintMigrationSql('init', additive)).toEqual([]);
  });

  test.each([
    ['DROP TABLE "OrderLine";', 'drop-table'],
    ['ALTER TABLE "Product" DROP COLUMN "sku";', 'drop-column'],
    ['ALTER TABLE "Product" ALTER COLUMN "name" SET DATA TYPE VARCHAR(20);', 'alter-column-type'],
    ['ALTER TABLE "Product" ALTER COLUMN "priceCents" TYPE BIGINT;', 'alter-column-type'],
    ['ALTER TABLE "Product" ALTER COLUMN "name" SET NOT NULL;', 'set-not-null'],
    ['ALTER TABLE "Product" ADD COLUMN "currency" TEXT NOT NULL;', 'add-required-column'],
    ['ALTER TABLE "Product" RENAME COLUMN "name" TO "title";', 'rename'],
    ['ALTER TABLE "Product" RENAME TO "Item";', 'rename'],
    ['DELETE FROM "Product" WHERE "priceCents" = 0;', 'delete-data'],
    ['TRUNCATE "outbox";', 'delete-data'],
  ])('when a migration runs %s, then it is flagged as %s', (sql, rule) => {
    expect(rulesOf(sql)).toEqual([rule]);
  });

  test('when Prisma puts several actions in one ALTER TABLE, then each destructive one is flagged', () => {
    const sql = `ALTER TABLE "Post" DROP COLUMN "legacy",
ADD COLUMN "slug" TEXT NOT NULL,
ADD COLUMN "views" INTEGER NOT NULL DEFAULT 0,
ALTER COLUMN "title" SET DATA TYPE VARCHAR(100);`;

    expect(rulesOf(sql)).toEqual(['drop-column', 'add-required-column', 'alter-column-type']);
  });

  test('when destructive words appear only in comments, strings or $$ bodies, then nothing is flagged', () => {
    const sql = `-- DROP TABLE "Product";
/* ALTER TABLE "Product" DROP COLUMN "sku"; */
INSERT INTO "outbox" ("id", "aggregate", "type", "payload") VALUES (gen_random_uuid(), 'x', 'DELETE FROM x; DROP TABLE y', '{}');
CREATE FUNCTION purge() RETURNS void AS $fn$
BEGIN
  DELETE FROM "outbox" WHERE "publishedAt" < now() - interval '7 days';
END;
$fn$ LANGUAGE plpgsql;`;

    expect(rulesOf(sql)).toEqual([]);
  });

  test('when the migration carries an expand-contract note, then its destructive steps pass; an empty note does not count', () => {
    const drop = 'ALTER TABLE "Product" DROP COLUMN "legacySku";';

    expect(
      rulesOf(`-- expand-contract: unused since release 1.4 (expanded in 20260101_sku)\n${drop}`),
    ).toEqual([]);
    expect(rulesOf(`-- expand-contract:\n${drop}`)).toEqual(['drop-column']);
  });
});

describe('lintMigrations', () => {
  test('when a folder holds migrations, then each migration.sql is linted and down.sql is not', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'groundwork-lint-'));
    try {
      for (const [name, up, down] of [
        ['1_init', 'CREATE TABLE "A" ("id" TEXT NOT NULL);', 'DROP TABLE "A";'],
        ['2_cleanup', 'ALTER TABLE "A" DROP COLUMN "id";', 'ALTER TABLE "A" ADD COLUMN "id" TEXT;'],
      ] as const) {
        await mkdir(path.join(dir, name));
        await writeFile(path.join(dir, name, 'migration.sql'), up);
        await writeFile(path.join(dir, name, 'down.sql'), down);
      }

      const findings = await lintMigrations(dir);

      expect(findings).toEqual([
        expect.objectContaining({
          migration: '2_cleanup',
          rule: 'drop-column',
          statement: 'ALTER TABLE "A" DROP COLUMN "id"',
        }),
      ]);
      expect(formatLintFindings(findings)).toContain('2_cleanup: drop-column: drops a column');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('when linting the fixture service, then it is clean', async () => {
    expect(await lintMigrations(shopMigrationsDir)).toEqual([]);
  });
});
