import { once } from 'node:events';
import { createService, runCheck, type Service } from '@groundwork/service-kit';
import { useRedisServer } from '@groundwork/testing/vitest';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { captureLogger } from '../test/support/capture-logger.ts';
import { type Cache, createCache } from './create-cache.ts';
import { createCacheRedisClient } from './create-cache-redis-client.ts';
import { redisReadinessCheck } from './redis-readiness-check.ts';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

async function connectedClient(url: string): Promise<Redis> {
  const client = createCacheRedisClient(url, { logger: captureLogger().logger });
  closers.push(() => client.disconnect());
  if (client.status !== 'ready')
    await once(client, 'ready', { signal: AbortSignal.timeout(5_000) });
  return client;
}

describe('redisReadinessCheck', () => {
  const server = useRedisServer();

  test('when Redis answers, then the check passes', async () => {
    const check = redisReadinessCheck(await connectedClient(server.url));

    expect(check).toMatchObject({ name: 'redis', timeoutMs: 500 });
    expect(await runCheck(check)).toMatchObject({ name: 'redis', status: 'pass' });
  });

  test('when Redis is killed, then the check fails at once instead of waiting for its timeout', async () => {
    const client = await connectedClient(server.url);
    const check = redisReadinessCheck(client, { timeoutMs: 2_000 });

    await server.kill();
    await vi.waitFor(() => expect(client.status).not.toBe('ready'));
    const result = await runCheck(check);

    expect(result).toMatchObject({ status: 'fail', error: { code: 'CACHE_REDIS_UNAVAILABLE' } });
    expect(result.durationMs).toBeLessThan(100);
  });

  test('when Redis hangs, then the check times out', async () => {
    const check = redisReadinessCheck(await connectedClient(server.url), {
      name: 'queue-redis',
      timeoutMs: 200,
    });

    server.freeze();
    const result = await runCheck(check);

    expect(result).toMatchObject({ name: 'queue-redis', status: 'timeout' });
  });
});

describe('a service whose Redis only caches', () => {
  const server = useRedisServer();

  /** The pattern apps/orders follows: product reads through the cache, no Redis readiness check. */
  async function productService(): Promise<{ app: Service; cache: Cache<{ id: string }> }> {
    const redis = await connectedClient(server.url);
    const cache = createCache<{ id: string }>({
      redis,
      namespace: 'service:product:v1',
      defaultTtlSeconds: 60,
      logger: captureLogger().logger,
    });
    closers.push(() => cache.close());
    // An ad-hoc route for the readiness test, not an API: no convention checks.
    const app = await createService({
      name: 'cache-test',
      logLevel: 'silent',
      routeConventions: false,
      // A loaded test runner's stall must not shed the request under test.
      loadShedding: { maxEventLoopDelayMs: 0 },
    });
    closers.push(() => app.close());
    app.get<{ Params: { id: string } }>('/v1/products/:id', async (request) =>
      cache.getOrLoad(request.params.id, () => ({ id: request.params.id })),
    );
    await app.ready();
    return { app, cache };
  }

  test('when its Redis is killed, then the service stays ready and keeps answering reads from the loader', async () => {
    const { app, cache } = await productService();
    expect((await app.inject('/v1/products/p1')).statusCode).toBe(200);

    await server.kill();
    const read = await app.inject('/v1/products/p1');
    const ready = await app.inject('/health/ready');

    expect(read.statusCode).toBe(200);
    expect(read.json()).toEqual({ id: 'p1' });
    expect(ready.statusCode).toBe(200);
    expect(cache.stats.loads).toBe(2);
  });
});
