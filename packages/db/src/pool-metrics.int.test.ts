import { createMetricsRegistry, type MetricsRegistry } from '@groundwork/telemetry';
import { parsePrometheusText } from '@groundwork/telemetry/prometheus-text';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterEach, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';

const db = usePostgres({ template: shopTemplate });

const opened: DatabaseClient<PrismaClient>[] = [];
afterEach(async () => {
  for (const client of opened.splice(0)) await client.disconnect();
});

async function usage(registry: MetricsRegistry, pool: string) {
  const scrape = parsePrometheusText(await registry.metrics());
  const value = (name: string, labels: Record<string, string> = {}) =>
    scrape.find(name, { pool, ...labels })[0]?.value;
  return {
    idle: value('db_pool_connections', { state: 'idle' }),
    used: value('db_pool_connections', { state: 'used' }),
    max: value('db_pool_max_connections'),
    pending: value('db_pool_pending_requests'),
  };
}

describe('pool usage metrics', () => {
  test('when connections are checked out, waited for and released, then the pool series follow them', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const client = createDatabaseClient(PrismaClient, {
      url: db.url,
      poolSize: 2,
      applicationName: 'pool-metrics-test',
      metrics,
    });
    opened.push(client);

    expect(await usage(metrics, 'pool-metrics-test')).toEqual({
      idle: 0,
      used: 0,
      max: 2,
      pending: 0,
    });

    const first = await client.pool.connect();
    const second = await client.pool.connect();
    const third = client.pool.connect();
    try {
      expect(await usage(metrics, 'pool-metrics-test')).toEqual({
        idle: 0,
        used: 2,
        max: 2,
        pending: 1,
      });
    } finally {
      first.release();
      (await third).release();
      second.release();
    }
    expect(await usage(metrics, 'pool-metrics-test')).toEqual({
      idle: 2,
      used: 0,
      max: 2,
      pending: 0,
    });
  });

  test('when the client has read replicas, then each replica pool has its own series', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const client = createDatabaseClient(PrismaClient, {
      url: db.url,
      replicaUrls: [db.url],
      applicationName: 'orders',
      metrics,
    });
    opened.push(client);

    await client.replicaPools[0]?.query('SELECT 1');

    expect(await usage(metrics, 'orders-replica-0')).toMatchObject({ idle: 1, used: 0 });
    expect(await usage(metrics, 'orders')).toMatchObject({ idle: 0, used: 0 });
  });

  test('when the client disconnects, then its pools leave the scrape', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const client = createDatabaseClient(PrismaClient, {
      url: db.url,
      applicationName: 'closing',
      metrics,
    });

    await client.disconnect();

    const scrape = parsePrometheusText(await metrics.metrics());
    expect(scrape.find('db_pool_connections', { pool: 'closing' })).toEqual([]);
  });
});
