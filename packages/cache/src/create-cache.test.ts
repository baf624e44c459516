import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { captureLogger } from '../test/support/capture-logger.ts';
import { type CacheOptions, createCache } from './create-cache.ts';

// Never connects: these tests need no server, only a client whose status is not `ready`.
const idle = new Redis({ lazyConnect: true });

const valid: CacheOptions<string> = {
  redis: idle,
  namespace: 'test:product:v1',
  defaultTtlSeconds: 60,
  logger: captureLogger().logger,
};

test.each([
  [{ namespace: '' }, 'namespace must be non-empty'],
  [{ namespace: 'has {braces}' }, 'namespace must be non-empty, without spaces or braces'],
  [{ defaultTtlSeconds: 0 }, 'defaultTtlSeconds must be a positive number (got 0)'],
  [{ defaultTtlSeconds: Number.NaN }, 'defaultTtlSeconds must be a positive number (got NaN)'],
  [{ ttlJitter: 1 }, 'ttlJitter must be in [0, 1) (got 1)'],
  [{ redisTimeoutMs: -5 }, 'redisTimeoutMs must be a positive number (got -5)'],
  [{ redisFailureThreshold: 1.5 }, 'redisFailureThreshold must be a positive integer (got 1.5)'],
  [{ lockWaitMs: 0 }, 'lockWaitMs must be a positive number (got 0)'],
])('when the options are %o, then createCache refuses them', (override, message) => {
  expect(() => createCache({ ...valid, ...override })).toThrow(message);
});

test('when a key is empty or a TTL is not positive, then getOrLoad rejects without calling the loader', async () => {
  const cache = createCache(valid);
  const loader = () => expect.unreachable('the loader must not run');

  await expect(cache.getOrLoad('', loader)).rejects.toThrow('a key must be a non-empty string');
  await expect(cache.getOrLoad('p1', loader, { ttlSeconds: 0 })).rejects.toThrow(
    'ttlSeconds must be a positive number (got 0)',
  );
  await expect(cache.invalidate('')).rejects.toThrow('a key must be a non-empty string');
  cache.close();
});

test('when the client has not connected, then reads go to the loader at once and writes are kept for later', async () => {
  const cache = createCache(valid);

  expect(await cache.getOrLoad('p1', () => 'from the loader')).toBe('from the loader');
  await cache.invalidate('p1');

  expect(idle.status).toBe('wait');
  expect(cache.stats).toMatchObject({ loads: 1, bypasses: 1, errors: 0, pendingInvalidations: 1 });
  cache.close();
});

test('when a cache is closed, then it stops listening to the client', () => {
  const before = idle.listenerCount('ready');
  const cache = createCache(valid);
  expect(idle.listenerCount('ready')).toBe(before + 1);

  cache.close();

  expect(idle.listenerCount('ready')).toBe(before);
});
