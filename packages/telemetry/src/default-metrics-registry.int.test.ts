import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { defaultMetricsRegistry } from './default-metrics-registry.ts';
import { parsePrometheusText } from './prometheus-text.ts';

describeWithServices("the process's metrics registry", ['redis'], () => {
  const redis = useRedis();

  test('when the default registry is asked for twice, then it is the same one', () => {
    expect(defaultMetricsRegistry()).toBe(defaultMetricsRegistry());
  });

  test('when any ioredis client sends a command, then the default registry counts it with no wiring', async () => {
    const registry = defaultMetricsRegistry();

    await redis.client.ping();

    const scrape = parsePrometheusText(await registry.metrics());
    expect(scrape.families.get('redis_client_command_duration_seconds')?.type).toBe('histogram');
    expect(
      scrape.find('redis_client_command_duration_seconds_count', {
        command: 'ping',
        outcome: 'ok',
      })[0]?.value,
    ).toBeGreaterThanOrEqual(1);
    expect(scrape.find('process_cpu_seconds_total')).toHaveLength(1);
  });
});
