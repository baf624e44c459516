import { setTimeout as sleep } from 'node:timers/promises';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { Redis } from 'ioredis';
import { afterEach, expect, test, vi } from 'vitest';
import { captureLogger } from '../test/support/capture-logger.ts';
import { entryKeys } from './cache-keys.ts';
import { type Cache, type CacheOptions, createCache } from './create-cache.ts';

interface Product {
  readonly id: string;
  readonly name: string;
  readonly version: number;
}

const product = (version: number): Product => ({ id: 'p1', name: `Lamp v${version}`, version });
const notCalled = (): never => expect.unreachable('the loader must not run: the value is cached');

describeWithServices('createCache against Redis', ['redis'], () => {
  const redis = useRedis();
  const opened: { cache: Cache<unknown>; client?: Redis }[] = [];
  let namespaces = 0;

  afterEach(async () => {
    for (const { cache, client } of opened.splice(0)) {
      cache.close();
      await client?.quit();
    }
  });

  /** A fresh namespace per test, so tests in this file never see each other's entries. */
  function namespace(): string {
    namespaces += 1;
    return `test:product:${namespaces}`;
  }

  /** One service instance: its own cache, on the file's client or on a client of its own. */
  async function instance<V = Product>(
    options: Partial<CacheOptions<V>> & { namespace: string; ownClient?: boolean },
  ): Promise<Cache<V>> {
    const { ownClient, ...rest } = options;
    // Another instance has its own connection, with the same key prefix (the same Redis "app").
    const client = ownClient
      ? new Redis(redis.url, { keyPrefix: redis.prefix, lazyConnect: true })
      : undefined;
    // Until it is connected the cache skips Redis, as a service does in its first milliseconds.
    await client?.connect();
    const cache = createCache<V>({
      redis: client ?? redis.client,
      defaultTtlSeconds: 60,
      logger: captureLogger().logger,
      ...rest,
    });
    opened.push({ cache: cache as Cache<unknown>, ...(client === undefined ? {} : { client }) });
    return cache;
  }

  test('when a key is read twice, then the loader runs once and the second read is a hit', async () => {
    const cache = await instance({ namespace: namespace() });

    const first = await cache.getOrLoad('p1', () => product(1));
    const second = await cache.getOrLoad('p1', notCalled);

    expect(second).toEqual(first);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 1, loads: 1, errors: 0, bypasses: 0 });
  });

  test('when entries are stored together, then their TTLs are spread below the requested TTL by at most the jitter', async () => {
    const ns = namespace();
    const cache = await instance({ namespace: ns, ttlJitter: 0.1 });
    const ids = Array.from({ length: 50 }, (_, i) => `p${i}`);

    await Promise.all(ids.map((id) => cache.getOrLoad(id, () => product(1), { ttlSeconds: 100 })));
    const ttls = await Promise.all(ids.map((id) => redis.client.pttl(entryKeys(ns, id).value)));

    for (const ttl of ttls) {
      expect(ttl).toBeGreaterThan(89_000);
      expect(ttl).toBeLessThanOrEqual(100_000);
    }
    expect(Math.max(...ttls) - Math.min(...ttls)).toBeGreaterThan(1_000);
  });

  test("when an entry's TTL has passed, then the next read calls the loader again", async () => {
    const cache = await instance({ namespace: namespace(), ttlJitter: 0 });
    await cache.getOrLoad('p1', () => product(1), { ttlSeconds: 0.2 });
    await cache.getOrLoad('p1', notCalled);

    await sleep(300);
    const reloaded = await cache.getOrLoad('p1', () => product(2));

    expect(reloaded.version).toBe(2);
    expect(cache.stats).toMatchObject({ hits: 1, misses: 2, loads: 2 });
  });

  test('when the loader returns null, then null is cached; when it returns undefined, then nothing is stored', async () => {
    const ns = namespace();
    const cache = await instance<Product | null | undefined>({ namespace: ns });

    expect(await cache.getOrLoad('missing', () => null)).toBeNull();
    expect(await cache.getOrLoad('missing', notCalled)).toBeNull();
    expect(await cache.getOrLoad('unknown', () => undefined)).toBeUndefined();

    expect(await redis.client.exists(entryKeys(ns, 'unknown').value)).toBe(0);
    expect(await redis.client.exists(entryKeys(ns, 'unknown').lock)).toBe(0);
    expect(cache.stats).toMatchObject({ hits: 1, loads: 2 });
  });

  test('when the loader fails, then every caller waiting on it gets its error and nothing is cached', async () => {
    const ns = namespace();
    const cache = await instance({ namespace: ns });
    const failing = async (): Promise<Product> => {
      await sleep(20);
      throw new Error('connection to Postgres lost');
    };

    const reads = Array.from({ length: 10 }, () => cache.getOrLoad('p1', failing));

    for (const read of reads) await expect(read).rejects.toThrow('connection to Postgres lost');
    expect(cache.stats.loads).toBe(1);
    expect(await redis.client.exists(entryKeys(ns, 'p1').value, entryKeys(ns, 'p1').lock)).toBe(0);
    expect((await cache.getOrLoad('p1', () => product(1))).version).toBe(1);
  });

  test('when a stored value cannot be decoded, then the read loads it again, logs, counts an error and stores the fresh value', async () => {
    const ns = namespace();
    const { logger, lines } = captureLogger();
    const cache = await instance({ namespace: ns, logger });
    await redis.client.set(entryKeys(ns, 'p1').value, '{"truncated', 'PX', 60_000);

    const read = await cache.getOrLoad('p1', () => product(1));

    expect(read.version).toBe(1);
    expect(cache.stats).toMatchObject({ errors: 1, loads: 1 });
    expect(lines.find((line) => line.level === 'warn')).toMatchObject({
      msg: 'cache: stored value unreadable; loading it again',
      key: 'p1',
      err: { code: 'CACHE_VALUE_UNREADABLE' },
    });
    expect(JSON.parse((await redis.client.get(entryKeys(ns, 'p1').value)) ?? '')).toEqual(read);
  });

  test('when a codec is given, then values go through it both ways', async () => {
    const cache = await instance<{ at: Date }>({
      namespace: namespace(),
      codec: {
        encode: (value) => value.at.toISOString(),
        decode: (text) => ({ at: new Date(text) }),
      },
    });
    const at = new Date('2030-01-02T03:04:05.678Z');

    await cache.getOrLoad('event', () => ({ at }));
    const cached = await cache.getOrLoad('event', notCalled);

    expect(cached.at).toBeInstanceOf(Date);
    expect(cached.at.getTime()).toBe(at.getTime());
  });

  test('when 100 reads of a cold key arrive at once, then the loader runs once and every read gets its value', async () => {
    const cache = await instance({ namespace: namespace() });
    let loads = 0;
    const slowLoad = async () => {
      loads += 1;
      await sleep(50);
      return product(1);
    };

    const reads = await Promise.all(
      Array.from({ length: 100 }, () => cache.getOrLoad('p1', slowLoad)),
    );

    expect(loads).toBe(1);
    expect(reads).toEqual(Array(100).fill(product(1)));
  });

  test('when three instances read one cold key at once, then the loader runs once across them', async () => {
    const ns = namespace();
    const instances = await Promise.all(
      [1, 2, 3].map(() => instance({ namespace: ns, ownClient: true, lockWaitMs: 5_000 })),
    );
    let loads = 0;
    const slowLoad = async () => {
      loads += 1;
      await sleep(100);
      return product(1);
    };

    const reads = await Promise.all(
      instances.flatMap((cache) =>
        Array.from({ length: 30 }, () => cache.getOrLoad('p1', slowLoad)),
      ),
    );

    expect(loads).toBe(1);
    expect(new Set(reads.map((read) => read.version))).toEqual(new Set([1]));
  });

  test('when the instance filling a cold key died holding its lock, then another loads it itself after lockWaitMs', async () => {
    const ns = namespace();
    const cache = await instance({ namespace: ns, lockWaitMs: 300 });
    await redis.client.set(entryKeys(ns, 'p1').lock, 'a-crashed-instance', 'PX', 60_000);

    const started = performance.now();
    const read = await cache.getOrLoad('p1', () => product(1));
    const elapsed = performance.now() - started;

    expect(read.version).toBe(1);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(await cache.getOrLoad('p1', notCalled)).toEqual(read);
  });

  test('when a key is invalidated, then the next read returns the new value', async () => {
    const cache = await instance({ namespace: namespace() });
    let row = product(1);
    await cache.getOrLoad('p1', () => row);

    row = product(2);
    await cache.invalidate('p1');

    expect(await cache.getOrLoad('p1', () => row)).toEqual(product(2));
    expect(await cache.getOrLoad('p1', notCalled)).toEqual(product(2));
  });

  // The classic cache-aside race: a load reads the row, the write commits and deletes the entry,
  // then the load stores the row it read, and the old product is cached until its TTL ends.
  test('when another instance invalidates while a load that read the old row is in flight, then that load is not stored and the next read returns the new row', async () => {
    const ns = namespace();
    const reader = await instance({ namespace: ns, ownClient: true });
    const writer = await instance({ namespace: ns, ownClient: true });
    let row = product(1);
    const rowRead = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const staleRead = reader.getOrLoad('p1', async () => {
      const seen = row;
      rowRead.resolve();
      await release.promise;
      return seen;
    });
    await rowRead.promise;

    row = product(2); // the write commits
    await writer.invalidate('p1'); // after the commit
    release.resolve();

    // It began before the write, so the old row is a correct answer for it.
    expect(await staleRead).toEqual(product(1));
    expect(reader.stats.staleLoadsDiscarded).toBe(1);
    expect(await writer.getOrLoad('p1', () => row)).toEqual(product(2));
    expect(await reader.getOrLoad('p1', notCalled)).toEqual(product(2));
  });

  test('when a key is invalidated while this instance loads the old row, then reads that start afterwards do not join that load', async () => {
    const cache = await instance({ namespace: namespace() });
    let row = product(1);
    const rowRead = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const staleRead = cache.getOrLoad('p1', async () => {
      const seen = row;
      rowRead.resolve();
      await release.promise;
      return seen;
    });
    await rowRead.promise;

    row = product(2);
    await cache.invalidate('p1');
    const freshRead = cache.getOrLoad('p1', () => row);
    release.resolve();

    expect(await staleRead).toEqual(product(1));
    expect(await freshRead).toEqual(product(2));
    expect(await cache.getOrLoad('p1', notCalled)).toEqual(product(2));
  });

  test('when a key is invalidated while another instance holds its fill lock, then the next read loads at once instead of waiting for that instance', async () => {
    const ns = namespace();
    const slowInstance = await instance({ namespace: ns, ownClient: true });
    const otherInstance = await instance({ namespace: ns, ownClient: true, lockWaitMs: 5_000 });
    let row = product(1);
    const rowRead = Promise.withResolvers<void>();
    const release = Promise.withResolvers<void>();
    const staleRead = slowInstance.getOrLoad('p1', async () => {
      const seen = row;
      rowRead.resolve();
      await release.promise;
      return seen;
    });
    await rowRead.promise;
    row = product(2);
    await otherInstance.invalidate('p1');

    const started = performance.now();
    const fresh = await otherInstance.getOrLoad('p1', () => row);

    expect(fresh).toEqual(product(2));
    expect(performance.now() - started).toBeLessThan(1_000);
    release.resolve();
    await staleRead;
    expect(await slowInstance.getOrLoad('p1', notCalled)).toEqual(product(2));
  });

  test('when writers invalidate while two instances read with random load delays, then no read that starts after an invalidation returns an older version', async () => {
    const ns = namespace();
    const instances = await Promise.all([
      instance({ namespace: ns, ownClient: true }),
      instance({ namespace: ns, ownClient: true }),
    ]);
    let committed = 0;
    let invalidated = 0;
    let writing = true;
    const violations: string[] = [];

    const hits = () => instances.reduce((sum, cache) => sum + cache.stats.hits, 0);
    async function write(): Promise<void> {
      try {
        await writeVersions();
      } finally {
        writing = false; // stops the readers even when a write step fails
      }
    }
    async function writeVersions(): Promise<void> {
      for (let i = 0; i < 100; i += 1) {
        committed += 1;
        const version = committed;
        await instances[i % 2]?.invalidate('p1');
        invalidated = version;
        if (i % 10 === 9) {
          // Now and then let the new version be stored and served, so reads also race cache hits.
          const before = hits();
          await vi.waitFor(() => expect(hits()).toBeGreaterThan(before), { timeout: 5_000 });
        } else {
          await sleep(Math.random() * 3);
        }
      }
    }
    async function read(cache: Cache<Product>): Promise<void> {
      while (writing) {
        const floor = invalidated;
        const got = await cache.getOrLoad('p1', async () => {
          const version = committed; // the row as the query sees it
          await sleep(Math.random() * 4);
          return product(version);
        });
        if (got.version < floor)
          violations.push(`read v${got.version} after v${floor} was written`);
      }
    }

    await Promise.all([write(), ...instances.flatMap((cache) => [read(cache), read(cache)])]);

    expect(violations).toEqual([]);
  });
});
