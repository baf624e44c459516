import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { useRedisServer } from '@groundwork/testing/vitest';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { captureLogger } from '../test/support/capture-logger.ts';
import { entryKeys } from './cache-keys.ts';
import { type Cache, type CacheOptions, createCache } from './create-cache.ts';
import { createCacheRedisClient } from './create-cache-redis-client.ts';

interface Product {
  readonly id: string;
  readonly version: number;
}

const product = (version: number): Product => ({ id: 'p1', version });
const notCalled = (): never => expect.unreachable('the loader must not run: the value is cached');
const REDIS_TIMEOUT_MS = 200;
/** Event-loop and scheduling slack on a loaded CI machine; still far below any ioredis default wait. */
const SLACK_MS = 150;

const opened: { cache?: Cache<Product>; client?: Redis }[] = [];
afterEach(() => {
  for (const { cache, client } of opened.splice(0)) {
    cache?.close();
    client?.disconnect();
  }
});

/** A client as a service would build it (fail-fast options), once it is connected. */
async function connectedClient(
  url: string,
  options: Parameters<typeof createCacheRedisClient>[1] = { logger: captureLogger().logger },
): Promise<Redis> {
  const client = createCacheRedisClient(url, options);
  opened.push({ client });
  await untilReady(client);
  return client;
}

async function untilReady(client: Redis): Promise<void> {
  if (client.status === 'ready') return;
  await once(client, 'ready', { signal: AbortSignal.timeout(5_000) });
}

let namespaces = 0;
/** A namespace per test: the servers outlive tests, and a test must not read another's entries. */
function freshNamespace(): string {
  namespaces += 1;
  return `outage:product:${namespaces}`;
}

function cacheOn(redis: Redis, options: Partial<CacheOptions<Product>> = {}): Cache<Product> {
  const cache = createCache<Product>({
    redis,
    namespace: freshNamespace(),
    defaultTtlSeconds: 60,
    logger: captureLogger().logger,
    redisTimeoutMs: REDIS_TIMEOUT_MS,
    ...options,
  });
  opened.push({ cache });
  return cache;
}

async function timed<T>(read: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const started = performance.now();
  const value = await read();
  return { value, ms: performance.now() - started };
}

describe('createCache when its Redis is killed', () => {
  const server = useRedisServer();

  test('when Redis is killed, then every read still succeeds from the loader, each within the Redis timeout', async () => {
    const cache = cacheOn(await connectedClient(server.url));
    await cache.getOrLoad('p1', () => product(1));
    await cache.getOrLoad('p1', notCalled);

    await server.kill();
    const reads = [];
    for (let i = 0; i < 20; i += 1) {
      reads.push(
        await timed(() => cache.getOrLoad(i % 2 === 0 ? 'p1' : `p${i}`, () => product(2))),
      );
    }

    for (const { value } of reads) expect(value).toEqual(product(2));
    expect(Math.max(...reads.map(({ ms }) => ms))).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
    expect(cache.stats.loads).toBe(21);
  });

  test('when the client queues commands while offline (ioredis defaults), then reads after a kill still answer within the Redis timeout', async () => {
    const client = new Redis(server.url, { lazyConnect: true });
    client.on('error', () => {}); // reconnect errors are expected here
    opened.push({ client });
    await client.connect();
    const cache = cacheOn(client);
    await cache.getOrLoad('p1', () => product(1));

    await server.kill();
    const reads = [];
    for (let i = 0; i < 10; i += 1)
      reads.push(await timed(() => cache.getOrLoad('p1', () => product(2))));

    for (const { value } of reads) expect(value).toEqual(product(2));
    expect(Math.max(...reads.map(({ ms }) => ms))).toBeLessThan(REDIS_TIMEOUT_MS + SLACK_MS);
  });

  test('when Redis is down, then concurrent reads of one key still share one load', async () => {
    const cache = cacheOn(await connectedClient(server.url));
    await server.kill();
    let loads = 0;

    const reads = await Promise.all(
      Array.from({ length: 50 }, () =>
        cache.getOrLoad('p1', async () => {
          loads += 1;
          await sleep(20);
          return product(1);
        }),
      ),
    );

    expect(loads).toBe(1);
    expect(reads).toEqual(Array(50).fill(product(1)));
  });

  test('when Redis restarts after being killed, then reads are cached again', async () => {
    const client = await connectedClient(server.url);
    const cache = cacheOn(client);
    await cache.getOrLoad('p1', () => product(1));
    await server.kill();
    expect(await cache.getOrLoad('p1', () => product(2))).toEqual(product(2));

    await server.restart();
    await untilReady(client);
    // It restarted empty, so the first read loads and stores; the next is served by Redis.
    const reloaded = await cache.getOrLoad('p1', () => product(3));
    const cached = await cache.getOrLoad('p1', notCalled);

    expect(reloaded).toEqual(product(3));
    expect(cached).toEqual(product(3));
    expect(cache.stats).toMatchObject({ hits: 1, loads: 3 });
  });

  test('when Redis stays down, then the outage is logged once as it starts and once as it ends, not once per read', async () => {
    const { logger, lines } = captureLogger('info');
    const client = await connectedClient(server.url, { logger });
    const cache = cacheOn(client, { logger });
    await cache.getOrLoad('p1', () => product(1));

    await server.kill();
    for (let i = 0; i < 30; i += 1) await cache.getOrLoad(`p${i}`, () => product(2));
    await sleep(700); // several reconnect attempts fail meanwhile, each an ioredis `error` event
    await server.restart();
    await untilReady(client);
    await cache.getOrLoad('p1', () => product(3));
    await cache.getOrLoad('p2', () => product(3));

    const cacheLines = lines.filter((line) => line.component === 'cache');
    expect(cacheLines.map(({ level, msg }) => `${level}: ${msg}`)).toEqual([
      expect.stringMatching(/^warn: cache: Redis (failed|skipped); reads go to the loader$/),
      'info: cache: Redis answers again',
    ]);
    const clientLines = lines.filter((line) => line.component === 'cache-redis');
    expect(clientLines.filter(({ level }) => level === 'warn')).toHaveLength(1);
  });
});

describe('createCache when its Redis hangs', () => {
  const server = useRedisServer();

  test('when Redis hangs with its connection open, then reads wait out redisFailureThreshold timeouts, then skip it until it answers again', async () => {
    const cache = cacheOn(await connectedClient(server.url), {
      redisTimeoutMs: 100,
      redisFailureThreshold: 3,
      redisCooldownMs: 1_500,
    });
    await cache.getOrLoad('p1', () => product(1));

    server.freeze();
    const reads = [];
    for (let i = 0; i < 10; i += 1)
      reads.push(await timed(() => cache.getOrLoad('p1', () => product(2))));

    for (const { value } of reads) expect(value).toEqual(product(2));
    const waits = reads.map(({ ms }) => ms);
    expect(waits.slice(0, 3).every((ms) => ms >= 95 && ms < 100 + SLACK_MS)).toBe(true);
    expect(waits.slice(3).every((ms) => ms < 50)).toBe(true);

    server.thaw();
    await sleep(1_600);
    expect(await cache.getOrLoad('p1', notCalled)).toEqual(product(1));
  });

  test('when the client reconnects while the breaker is open, then the cache uses Redis again at once, not after the cooldown', async () => {
    const client = await connectedClient(server.url);
    const cache = cacheOn(client, { redisTimeoutMs: 100, redisCooldownMs: 60_000 });
    server.freeze();
    for (let i = 0; i < 3; i += 1) await cache.getOrLoad('p1', () => product(1)); // opens the breaker

    await server.kill(); // a hung server gets restarted: the client makes a new connection
    await server.restart();
    await untilReady(client);
    await cache.getOrLoad('p1', () => product(2));
    const cached = await cache.getOrLoad('p1', notCalled);

    expect(cached).toEqual(product(2));
  });

  test('when an invalidation was skipped while Redis hung, then the next read delivers it before reading Redis', async () => {
    const client = await connectedClient(server.url);
    const namespace = freshNamespace();
    const cache = cacheOn(client, { namespace, redisTimeoutMs: 100, redisCooldownMs: 500 });
    let row = product(1);
    await cache.getOrLoad('p1', () => row);
    server.freeze();
    for (let i = 0; i < 3; i += 1) await cache.getOrLoad('p1', () => row); // opens the breaker

    row = product(2);
    await cache.invalidate('p1');
    expect(cache.stats.pendingInvalidations).toBe(1);
    server.thaw();
    await sleep(600);
    // Redis still holds the old product: a read that trusted it would return version 1.
    const raw = new Redis(server.url);
    opened.push({ client: raw });
    expect(JSON.parse((await raw.get(entryKeys(namespace, 'p1').value)) ?? '')).toEqual(product(1));

    expect(await cache.getOrLoad('p1', () => row)).toEqual(product(2));
    expect(cache.stats.pendingInvalidations).toBe(0);
    expect(await cache.getOrLoad('p1', notCalled)).toEqual(product(2));
  });
});

describe('createCache when its Redis restarts with its data', () => {
  const server = useRedisServer({ persistent: true });

  test("when a write's invalidation cannot reach Redis and Redis comes back with the old value, then no instance reads the old value", async () => {
    // Instance A reconnects only when the test says so, to look at Redis before A is back.
    const clientA = await connectedClient(server.url, {
      logger: captureLogger().logger,
      redisOptions: { retryStrategy: () => null },
    });
    const clientB = await connectedClient(server.url);
    const namespace = freshNamespace();
    const a = cacheOn(clientA, { namespace });
    const b = cacheOn(clientB, { namespace });
    let row = product(1);
    await a.getOrLoad('p1', () => row);

    await server.kill();
    row = product(2); // the write commits while Redis is down
    await a.invalidate('p1');
    expect(a.stats.pendingInvalidations).toBe(1);
    expect(await a.getOrLoad('p1', () => row)).toEqual(product(2));

    await server.restart();
    await untilReady(clientB);
    const raw = new Redis(server.url);
    opened.push({ client: raw });
    expect(JSON.parse((await raw.get(entryKeys(namespace, 'p1').value)) ?? '')).toEqual(product(1));
    await clientA.connect(); // its `ready` delivers the invalidation without waiting for a read
    await vi.waitFor(() => expect(a.stats.pendingInvalidations).toBe(0));

    expect(await b.getOrLoad('p1', () => row)).toEqual(product(2));
    expect(await a.getOrLoad('p1', notCalled)).toEqual(product(2));
  });
});
