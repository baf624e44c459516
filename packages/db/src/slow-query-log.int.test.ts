import { createLogger, recordLines } from '@groundwork/logger';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterEach, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';

const db = usePostgres({ template: shopTemplate });

/** The service's JSON logger, its lines parsed as they are written. */
function recordingLogger() {
  const { lines, destination } = recordLines();
  return { lines, logger: createLogger({ service: 'db-test', destination }) };
}

const opened: DatabaseClient<PrismaClient>[] = [];
function open(slowQueryMs: number) {
  const { lines, logger } = recordingLogger();
  const client = createDatabaseClient(PrismaClient, {
    url: db.url,
    applicationName: 'slow-query-test',
    slowQueryMs,
    logger,
  });
  opened.push(client);
  return { client, lines };
}
afterEach(async () => {
  for (const client of opened.splice(0)) await client.disconnect();
});

// A value no SQL text contains: were the parameters logged, it would show.
const SLEEP_SECONDS = 0.123457;

describe('slow-query log', () => {
  test('when a query takes longer than DATABASE_SLOW_QUERY_MS, then one warn line names its SQL and duration and not its parameters', async () => {
    const { client, lines } = open(100);

    await client.prisma.$executeRaw`SELECT pg_sleep(${SLEEP_SECONDS})`;

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 'warn',
      msg: 'slow query',
      pool: 'slow-query-test',
      sql: 'SELECT pg_sleep($1)',
      rows: 1,
    });
    expect(lines[0]?.durationMs).toBeGreaterThanOrEqual(120);
    expect(JSON.stringify(lines[0])).not.toContain(String(SLEEP_SECONDS));
  });

  test('when a statement inside a transaction is slow, then it is logged too', async () => {
    const { client, lines } = open(100);

    await client.prisma.$transaction(async (tx) => {
      await tx.product.count();
      await tx.$executeRaw`SELECT pg_sleep(${SLEEP_SECONDS})`;
    });

    expect(lines.map((line) => line.sql)).toEqual(['SELECT pg_sleep($1)']);
  });

  test('when queries are fast, then no line is written', async () => {
    const { client, lines } = open(1_000);

    await client.prisma.product.findMany({ take: 5 });
    await client.prisma.$transaction([
      client.prisma.product.count(),
      client.prisma.product.count(),
    ]);
    await client.readinessCheck.check(AbortSignal.timeout(1_000));

    expect(lines).toEqual([]);
  });

  test('when the threshold is 0, then nothing is logged', async () => {
    const { client, lines } = open(0);

    await client.prisma.$executeRaw`SELECT pg_sleep(${SLEEP_SECONDS})`;

    expect(lines).toEqual([]);
  });

  test('when a slow statement fails, then its line says so', async () => {
    const { client, lines } = open(50);

    // Divides by zero only once the sleep is over (a literal 1 / 0 fails at planning, at once).
    await expect(
      client.prisma.$executeRaw`SELECT 1 / length(pg_sleep(${SLEEP_SECONDS})::text)`,
    ).rejects.toThrow();

    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      sql: 'SELECT 1 / length(pg_sleep($1)::text)',
      failed: true,
    });
  });
});
