import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { applyMigrations } from '@groundwork/db';
import { createTestDatabase, hashDirectory, type TemplateSpec } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { expect, test } from 'vitest';

/**
 * The backup drill of docs/runbooks/backup-and-restore.md, on a real orders database: dump it the
 * way the `postgres-backup` CronJob does, restore into a fresh database the way the runbook does,
 * and prove nothing was lost (row counts and content checksums per table) and tenancy survived
 * (row-level security still enabled and forced).
 */

const run = promisify(execFile);
const repo = path.resolve(import.meta.dirname, '../../..');
const migrationsDir = path.join(repo, 'apps/orders/prisma/migrations');

// Same name and version as the orders tests' template, so the migrated template is shared.
const ordersTemplate: TemplateSpec = {
  name: 'orders',
  version: await hashDirectory(migrationsDir),
  migrate: async (url) => {
    await applyMigrations({ databaseUrl: url, migrationsDir });
  },
};

/** The flags the CronJob and the runbook use; the first test holds them to it. */
const DUMP_FLAGS = ['--format=custom', '--no-owner'];
const RESTORE_FLAGS = ['--no-owner', '--exit-on-error', '--single-transaction'];

const db = usePostgres({ template: ordersTemplate });

const ORG_A = '00000000-0000-4000-8000-00000000000a';
const ORG_B = '00000000-0000-4000-8000-00000000000b';

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function seed(url: string): Promise<void> {
  await withClient(url, async (client) => {
    for (const [org, count] of [
      [ORG_A, 40],
      [ORG_B, 25],
    ] as const) {
      await client.query(
        `insert into products (id, "orgId", sku, name, "priceMinor", currency, stock, "updatedAt")
         select gen_random_uuid(), $1, 'SKU-' || n, 'Product ' || n, 100 * n, 'EUR', n, now()
         from generate_series(1, $2::int) as n`,
        [org, count],
      );
      await client.query(
        `insert into orders (id, "orgId", "customerId", "totalMinor", currency, "updatedAt")
         select gen_random_uuid(), $1, 'customer-' || n, 100 * n, 'EUR', now() from generate_series(1, $2::int) as n`,
        [org, count],
      );
      await client.query(
        `insert into order_lines (id, "orgId", "orderId", "productId", sku, name, "unitPriceMinor", quantity)
         select gen_random_uuid(), o."orgId", o.id, p.id, p.sku, p.name, p."priceMinor", 1
         from orders o join products p on p."orgId" = o."orgId"
           and p.sku = 'SKU-' || split_part(o."customerId", '-', 2)
         where o."orgId" = $1`,
        [org],
      );
    }
    await client.query(
      `insert into outbox (id, aggregate, type, payload)
       values (gen_random_uuid(), 'order', 'order.placed', '{"n":1}')`,
    );
  });
}

interface TableState {
  table: string;
  rows: number;
  checksum: string;
  rowSecurity: boolean;
  forced: boolean;
}

/** Per table in `public`: row count, an order-independent checksum of every row, RLS flags. */
async function snapshot(url: string): Promise<TableState[]> {
  return withClient(url, async (client) => {
    const { rows: tables } = await client.query<{
      table: string;
      rowSecurity: boolean;
      forced: boolean;
    }>(
      `select c.relname as "table", c.relrowsecurity as "rowSecurity", c.relforcerowsecurity as forced
       from pg_class c join pg_namespace n on n.oid = c.relnamespace
       where n.nspname = 'public' and c.relkind = 'r' order by c.relname`,
    );
    const states: TableState[] = [];
    for (const { table, rowSecurity, forced } of tables) {
      const quoted = `"${table.replaceAll('"', '""')}"`;
      const { rows } = await client.query<{ rows: string; checksum: string | null }>(
        `select count(*)::text as rows, md5(string_agg(t::text, '|' order by t::text)) as checksum
         from ${quoted} t`,
      );
      states.push({
        table,
        rows: Number(rows[0]?.rows),
        checksum: rows[0]?.checksum ?? '',
        rowSecurity,
        forced,
      });
    }
    return states;
  });
}

test('when the drill runs, then it dumps and restores with the flags of the CronJob', async () => {
  const cronJob = await readFile(path.join(repo, 'infra/k8s/base/backup-cron-job.yaml'), 'utf8');
  const runbook = await readFile(path.join(repo, 'docs/runbooks/backup-and-restore.md'), 'utf8');
  expect(cronJob).toContain(`pg_dump ${DUMP_FLAGS.join(' ')}`);
  expect(runbook).toContain(`pg_dump ${DUMP_FLAGS.join(' ')}`);
  expect(runbook).toContain(`pg_restore ${RESTORE_FLAGS.join(' ')}`);
});

test('when the orders database is dumped and restored into a fresh one, then every table has the same rows, checksums and row-level security', async () => {
  await seed(db.url);
  const work = await mkdtemp(path.join(os.tmpdir(), 'backup-drill-'));
  const restored = await createTestDatabase({ adminUrl: db.adminUrl });
  try {
    const dump = path.join(work, 'orders.dump');
    await run('pg_dump', [...DUMP_FLAGS, `--dbname=${db.url}`, `--file=${dump}`]);
    await run('pg_restore', [...RESTORE_FLAGS, `--dbname=${restored.url}`, dump]);

    const before = await snapshot(db.url);
    const after = await snapshot(restored.url);
    expect(before.map((t) => t.table)).toEqual(
      expect.arrayContaining(['products', 'orders', 'order_lines', 'outbox']),
    );
    expect(before.find((t) => t.table === 'order_lines')?.rows).toBe(65);
    expect(before.find((t) => t.table === 'orders')?.forced).toBe(true);
    expect(after).toEqual(before);
  } finally {
    await restored.drop();
    await rm(work, { recursive: true, force: true });
  }
}, 120_000);
