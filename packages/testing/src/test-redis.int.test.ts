import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createTestRedis, deleteKeysWithPrefix } from './test-redis.ts';
import { describeWithServices, useRedis } from './vitest.ts';

describeWithServices('createTestRedis', ['redis'], () => {
  const redis = useRedis();
  // Keys outside any test prefix, as another file or an app would have them.
  const outside = `gw:selftest:${randomBytes(6).toString('hex')}:`;
  let raw: Redis;

  beforeAll(async () => {
    raw = new Redis(redis.url);
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(redis.url, outside);
    await raw.quit();
  });

  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of raw.scanStream({ match: `${prefix}*`, count: 500 }))
      keys.push(...batch);
    return keys;
  }

  test('when the client writes a key, then it is stored under the prefix', async () => {
    await redis.client.set('greeting', 'hi');

    expect(redis.prefix).toMatch(/^gw:test:[0-9a-f]{12}:$/);
    expect(await raw.get(`${redis.prefix}greeting`)).toBe('hi');
  });

  test("when one test redis closes, then its prefix's keys are gone and every other key stays", async () => {
    const mine = await createTestRedis({ url: redis.url });
    const theirs = await createTestRedis({ url: redis.url });
    // More keys than one SCAN batch, so the cursor loop must go round.
    const keys = Array.from({ length: 1_200 }, (_, i) => `k${i}`);
    await mine.client.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    await theirs.client.mset(Object.fromEntries(keys.map((key) => [key, '1'])));
    await raw.set(`${outside}kept`, '1');

    await mine.close();

    expect(await keysUnder(mine.prefix)).toEqual([]);
    expect(await keysUnder(theirs.prefix)).toHaveLength(1_200);
    expect(await raw.get(`${outside}kept`)).toBe('1');
    expect(mine.client.status).toBe('end');
    await theirs.close();
  });

  test('when a prefix holds glob characters, then deleteKeysWithPrefix matches it literally', async () => {
    await raw.set(`${outside}a*1`, 'literal');
    await raw.set(`${outside}ab1`, 'would match an unescaped a*');

    const deleted = await deleteKeysWithPrefix(redis.url, `${outside}a*`);

    expect(deleted).toBe(1);
    expect(await raw.get(`${outside}ab1`)).toBe('would match an unescaped a*');
  });

  test('when the prefix is empty, then deleteKeysWithPrefix refuses', async () => {
    await expect(deleteKeysWithPrefix(redis.url, '')).rejects.toThrow(
      'an empty prefix would match every key',
    );
  });
});
