import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { afterEach, expect, test } from 'vitest';
import { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.ts';
import { parsePrometheusText } from './prometheus-text.ts';
import { recordRedisCommandDurations } from './redis-metrics.ts';

describeWithServices('Redis command latency', ['redis'], () => {
  const redis = useRedis();
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  const scrape = async (registry: MetricsRegistry) => parsePrometheusText(await registry.metrics());
  const count = async (registry: MetricsRegistry, labels: Record<string, string>) =>
    (await scrape(registry))
      .find('redis_client_command_duration_seconds_count', labels)
      .reduce((sum, sample) => sum + sample.value, 0);

  test('when commands run against a real Redis, then their durations are counted by command and the series moves with each one', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    stop = recordRedisCommandDurations(registry);

    await redis.client.set('product:42', 'value');
    await redis.client.get('product:42');
    const afterOne = await count(registry, { command: 'get', outcome: 'ok' });
    await redis.client.get('product:42');
    await redis.client.get('product:42');

    expect(afterOne).toBe(1);
    expect(await count(registry, { command: 'get', outcome: 'ok' })).toBe(3);
    expect(await count(registry, { command: 'set', outcome: 'ok' })).toBe(1);
    const sum = (await scrape(registry)).find('redis_client_command_duration_seconds_sum', {
      command: 'get',
    });
    expect(sum[0]?.value).toBeGreaterThan(0);
  });

  test('when a command gets an error reply, then it is counted with outcome error', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    stop = recordRedisCommandDurations(registry);

    await redis.client.set('counter', 'not-a-number');
    await expect(redis.client.incr('counter')).rejects.toThrow(/not an integer/);

    expect(await count(registry, { command: 'incr', outcome: 'error' })).toBe(1);
    expect(await count(registry, { command: 'incr', outcome: 'ok' })).toBe(0);
  });

  test('when recording is stopped, then later commands are not counted', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    stop = recordRedisCommandDurations(registry);
    await redis.client.get('product:42');
    stop();

    await redis.client.get('product:42');

    expect(await count(registry, { command: 'get' })).toBe(1);
  });
});
