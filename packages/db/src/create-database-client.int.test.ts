import { createTestDatabase } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopMigrationsDir, shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';
import { dbErrors } from './db-errors.ts';
import { applyMigrations } from './migrations/apply-migrations.ts';
import { toDomainError } from './prisma-errors.ts';

const db = usePostgres({ template: shopTemplate });

const opened: DatabaseClient<PrismaClient>[] = [];
function open(options: Partial<Parameters<typeof createDatabaseClient>[1]> = {}) {
  const client = createDatabaseClient(PrismaClient, { url: db.url, ...options });
  opened.push(client);
  return client;
}
afterEach(async () => {
  for (const client of opened.splice(0)) await client.disconnect();
});

const tenantId = '00000000-0000-4000-8000-000000000001';

describe('createDatabaseClient', () => {
  test('when an idle connection fails before any Prisma query, then onPoolError hears it and nothing is thrown', async () => {
    const heard: Error[] = [];
    const client = open({
      applicationName: 'db-idle-error-test',
      onPoolError: (error) => heard.push(error),
    });
    const admin = new pg.Client({ connectionString: db.url });
    await admin.connect();
    try {
      // As at boot or under readiness probes only: connections of the pool, none of Prisma's.
      await client.verifyConnection();
      await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
          WHERE application_name = 'db-idle-error-test'`,
      );

      await vi.waitFor(() => expect(heard).toHaveLength(1));
    } finally {
      await admin.end();
    }
  });

  test('when sessions open, then they carry the statement timeout and application name', async () => {
    const { prisma } = open({ statementTimeoutMs: 1234, applicationName: 'orders-test' });

    const [settings] = await prisma.$queryRaw<{ timeout: string; app: string }[]>`
      SELECT current_setting('statement_timeout') AS timeout,
             current_setting('application_name') AS app`;

    expect(settings).toEqual({ timeout: '1234ms', app: 'orders-test' });
  });

  test('when a statement runs longer than statementTimeoutMs, then it fails as DB_TIMEOUT', async () => {
    const { prisma } = open({ statementTimeoutMs: 100 });

    const error = await prisma.$executeRaw`SELECT pg_sleep(1)`.catch(toDomainError);

    expect(dbErrors.DB_TIMEOUT.is(error)).toBe(true);
  });

  test('when the pool is exhausted, then a query waits up to its connection timeout and fails with DB_UNAVAILABLE instead of hanging', async () => {
    const { prisma } = open({ poolSize: 1, connectionTimeoutMs: 200 });
    const holding = prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_sleep(0.6)`;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));

    const started = performance.now();
    const error = await prisma.product.count().catch(toDomainError);
    const waitedMs = performance.now() - started;
    await holding;

    expect(dbErrors.DB_UNAVAILABLE.is(error)).toBe(true);
    expect(error).toMatchObject({ retryAfterSeconds: 1 });
    expect(waitedMs).toBeLessThan(500);
  });

  test('when the server cannot be reached, then verifyConnection names the variable and the host but never the password', async () => {
    const client = open({
      url: 'postgresql://app:hunter2@127.0.0.1:1/orders',
      urlVariable: 'ORDERS_DATABASE_URL',
      connectionTimeoutMs: 500,
    });

    const error = await client.verifyConnection().catch((e: unknown) => e);

    expect(dbErrors.DB_UNAVAILABLE.is(error)).toBe(true);
    expect((error as Error).message).toBe(
      'ORDERS_DATABASE_URL: cannot reach PostgreSQL at 127.0.0.1:1/orders (ECONNREFUSED).',
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('when the URL is not a PostgreSQL URL, then creating the client fails without echoing it', () => {
    const create = (url: string) => () =>
      createDatabaseClient(PrismaClient, { url, urlVariable: 'DATABASE_URL' });

    expect(create('postgres//app:hunter2@db')).toThrow('DATABASE_URL is not a valid URL.');
    expect(create('mysql://app:hunter2@db/orders')).toThrow(
      'DATABASE_URL must start with postgresql://.',
    );
  });

  test('when the database answers, then the readiness check passes; when it is gone, then the check rejects', async () => {
    const live = open();
    const gone = open({ url: 'postgresql://postgres@127.0.0.1:1/none', connectionTimeoutMs: 500 });
    const signal = new AbortController().signal;

    await expect(live.readinessCheck.check(signal)).resolves.toBeUndefined();
    await expect(gone.readinessCheck.check(signal)).rejects.toThrow();
    expect(live.readinessCheck.name).toBe('postgres');
  });

  test('when the URL carries ?schema=, then the client reads and writes that schema', async () => {
    const tenantUrl = `${db.url}?schema=tenant_b`;
    await applyMigrations({ databaseUrl: tenantUrl, migrationsDir: shopMigrationsDir });
    const { prisma } = open({ url: tenantUrl });

    await prisma.product.create({ data: { tenantId, sku: 'in-b', name: 'B', priceCents: 1 } });

    const [row] = await prisma.$queryRaw<{ schema: string }[]>`
      SELECT table_schema AS schema FROM information_schema.tables WHERE table_name = 'Product'
      AND table_schema = 'tenant_b'`;
    expect(row).toEqual({ schema: 'tenant_b' });
    const { prisma: publicPrisma } = open();
    expect(await publicPrisma.product.count({ where: { sku: 'in-b' } })).toBe(0);
  });

  test('when disconnect runs, then the pool is closed and Prisma is disconnected', async () => {
    const client = createDatabaseClient(PrismaClient, { url: db.url });
    await client.prisma.product.count();

    await client.disconnect();

    expect(client.pool.ended).toBe(true);
    expect(client.pool.totalCount).toBe(0);
  });

  test('when replica URLs are given, then plain reads go to a replica while writes, transactions and primary reads use the primary', async () => {
    const replica = await createTestDatabase({ adminUrl: db.adminUrl, template: shopTemplate });
    try {
      const seed = new pg.Client({ connectionString: replica.url });
      await seed.connect();
      await seed.query(
        `INSERT INTO "Product" (id, "tenantId", sku, name, "priceCents") VALUES (gen_random_uuid(), $1, 'on-replica', 'R', 1)`,
        [tenantId],
      );
      await seed.end();
      const client = open({ replicaUrls: [replica.url] });

      await client.prisma.product.create({
        data: { tenantId, sku: 'on-primary', name: 'P', priceCents: 1 },
      });
      const skus = async (rows: PromiseLike<{ sku: string }[]>) =>
        (await rows).map((row) => row.sku).sort();

      expect(await skus(client.prisma.product.findMany({ where: { tenantId } }))).toEqual([
        'on-replica',
      ]);
      expect(await skus(client.primary.product.findMany({ where: { tenantId } }))).toEqual([
        'on-primary',
      ]);
      expect(
        await skus(
          client.prisma.$transaction((tx) => tx.product.findMany({ where: { tenantId } })),
        ),
      ).toEqual(['on-primary']);
    } finally {
      for (const client of opened.splice(0)) await client.disconnect();
      await replica.drop();
    }
  });

  test('when a replica cannot be reached, then readiness fails and verifyConnection names the replica variable', async () => {
    const client = open({
      replicaUrls: ['postgresql://reader:hunter2@127.0.0.1:1/orders'],
      connectionTimeoutMs: 500,
    });

    await expect(client.readinessCheck.check(new AbortController().signal)).rejects.toThrow();
    await expect(client.verifyConnection()).rejects.toThrow(
      'DATABASE_REPLICA_URLS[0]: cannot reach PostgreSQL at 127.0.0.1:1/orders (ECONNREFUSED).',
    );
  });
});
