import { randomUUID } from 'node:crypto';
import { createCacheRedisClient } from '@groundwork/cache';
import { createLogger } from '@groundwork/logger';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { configAndRedisFlagProvider, createFeatureFlags } from './feature-flags.ts';

describeWithServices('feature flags from config and Redis', ['redis'], () => {
  const redis = useRedis();
  const logger = createLogger({ service: 'orders-test', level: 'silent' });
  const flag = 'new-pricing';

  /** Flags over this file's Redis prefix (the test client prefixes every key itself). */
  const flagsWith = (enabled: string[]) =>
    createFeatureFlags(
      configAndRedisFlagProvider({ enabled, redis: redis.client, namespace: 'flags', logger }),
    );

  test('when a flag is neither in config nor in Redis, then it is off', async () => {
    const flags = await flagsWith([]);
    expect(await flags.isEnabled(flag, randomUUID())).toBe(false);
  });

  test('when Redis turns a flag on for one tenant, then that tenant gets it on the next evaluation and the others do not', async () => {
    const flags = await flagsWith([]);
    const [early, other] = [randomUUID(), randomUUID()];
    expect(await flags.isEnabled(flag, early)).toBe(false);

    await redis.client.set(`flags:${flag}:org:${early}`, 'on');

    expect(await flags.isEnabled(flag, early)).toBe(true);
    expect(await flags.isEnabled(flag, other)).toBe(false);
  });

  test('when config turns a flag on, then Redis can turn it off for everyone and back on for one tenant', async () => {
    const flags = await flagsWith([flag]);
    const [tenant, other] = [randomUUID(), randomUUID()];
    expect(await flags.isEnabled(flag, tenant)).toBe(true);

    await redis.client.set(`flags:${flag}`, 'off');
    await redis.client.set(`flags:${flag}:org:${tenant}`, 'on');

    expect(await flags.isEnabled(flag, tenant)).toBe(true);
    expect(await flags.isEnabled(flag, other)).toBe(false);
    await redis.client.del(`flags:${flag}`);
  });

  test('when Redis is unreachable, then flags answer from config', async () => {
    const unreachable = createCacheRedisClient('redis://127.0.0.1:1', { logger });
    try {
      const flags = await createFeatureFlags(
        configAndRedisFlagProvider({
          enabled: [flag],
          redis: unreachable,
          namespace: 'flags',
          logger,
        }),
      );
      expect(await flags.isEnabled(flag, randomUUID())).toBe(true);
      expect(await flags.isEnabled('other-flag', randomUUID())).toBe(false);
    } finally {
      unreachable.disconnect();
    }
  });
});
