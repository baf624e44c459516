import { describe, expect, test } from 'vitest';
import { httpServerMetrics } from './http-metrics.ts';
import { createMetricsRegistry } from './metrics-registry.ts';
import { parsePrometheusText } from './prometheus-text.ts';

const scrape = async (registry = createMetricsRegistry({ processMetrics: false })) =>
  parsePrometheusText(await registry.metrics());

describe('createMetricsRegistry', () => {
  test('when a counter is incremented, then the scrape shows it with its type, help and labels', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    const rejections = registry.counter({
      name: 'rate_limit_rejections_total',
      help: 'Requests refused by the rate limiter.',
      labelNames: ['limit'],
    });
    rejections.inc({ limit: 'per-ip' });
    rejections.inc({ limit: 'per-ip' });

    const result = await scrape(registry);
    expect(result.families.get('rate_limit_rejections_total')).toEqual({
      name: 'rate_limit_rejections_total',
      type: 'counter',
      help: 'Requests refused by the rate limiter.',
    });
    expect(result.find('rate_limit_rejections_total')).toEqual([
      { name: 'rate_limit_rejections_total', labels: { limit: 'per-ip' }, value: 2 },
    ]);
  });

  test('when the same metric is defined twice, then both callers share one instrument', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    const spec = {
      name: 'breaker_state',
      help: 'Breaker state.',
      labelNames: ['upstream'] as const,
    };
    registry.gauge(spec).set({ upstream: 'orders' }, 2);
    expect(registry.gauge({ ...spec, labelNames: ['upstream'] })).toBe(registry.gauge(spec));

    const result = await scrape(registry);
    expect(result.find('breaker_state')).toEqual([
      { name: 'breaker_state', labels: { upstream: 'orders' }, value: 2 },
    ]);
  });

  test('when a name is reused with another kind or other labels, then the second definition is refused', () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    registry.gauge({ name: 'queue_jobs', help: 'Jobs.', labelNames: ['queue'] });
    expect(() =>
      registry.histogram({
        name: 'queue_jobs',
        help: 'Jobs.',
        labelNames: ['queue'],
        buckets: [1],
      }),
    ).toThrow(/already a gauge/);
    expect(() =>
      registry.gauge({ name: 'queue_jobs', help: 'Jobs.', labelNames: ['state'] }),
    ).toThrow(/already a gauge with labels \[queue\]/);
  });

  test.each([
    ['counter', 'rate_limit_rejections', /must end with _total/],
    ['gauge', 'queue_jobs_total', /only counters end with _total/],
    ['gauge', 'Queue-Jobs', /not a snake_case/],
  ] as const)('when a %s is named %s, then it is refused', (kind, name, message) => {
    const registry = createMetricsRegistry({ processMetrics: false });
    expect(() => registry[kind]({ name, help: 'x' })).toThrow(message);
  });

  test('when observers share a gauge, then each scrape asks them all for current values', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    const spec = {
      name: 'queue_jobs',
      help: 'Jobs by queue and state.',
      labelNames: ['queue', 'state'] as const,
    };
    let waiting = 3;
    registry.observe(spec, (report) => report(waiting, { queue: 'emails', state: 'waiting' }));
    const stopInvoices = registry.observe(spec, async (report) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      report(7, { queue: 'invoices', state: 'waiting' });
    });

    expect(
      (await scrape(registry)).find('queue_jobs').map(({ labels, value }) => [labels.queue, value]),
    ).toEqual([
      ['emails', 3],
      ['invoices', 7],
    ]);

    waiting = 0;
    stopInvoices();
    expect((await scrape(registry)).find('queue_jobs')).toEqual([
      { name: 'queue_jobs', labels: { queue: 'emails', state: 'waiting' }, value: 0 },
    ]);
  });

  test('when an observer throws, then only its values are missing and the failure is counted', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    const spec = {
      name: 'db_pool_connections',
      help: 'Pool connections.',
      labelNames: ['pool'] as const,
    };
    registry.observe(spec, (report) => report(4, { pool: 'primary' }));
    registry.observe(spec, () => {
      throw new Error('replica unreachable');
    });

    const result = await scrape(registry);
    expect(result.find('db_pool_connections')).toEqual([
      { name: 'db_pool_connections', labels: { pool: 'primary' }, value: 4 },
    ]);
    expect(result.find('metrics_observer_failures_total')).toEqual([
      {
        name: 'metrics_observer_failures_total',
        labels: { metric: 'db_pool_connections' },
        value: 1,
      },
    ]);
  });

  test('when process metrics are on, then CPU, memory, heap and event loop lag are exposed', async () => {
    const result = await scrape(createMetricsRegistry());
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'nodejs_eventloop_lag_p99_seconds',
      'nodejs_gc_duration_seconds',
    ]) {
      expect(result.families.has(name), name).toBe(true);
    }
    expect(result.find('process_resident_memory_bytes')[0]?.value).toBeGreaterThan(0);
  });
});

describe('httpServerMetrics', () => {
  test('when requests are recorded, then one histogram counts them by method, route and status with cumulative buckets', async () => {
    const registry = createMetricsRegistry({ processMetrics: false });
    const http = httpServerMetrics(registry);
    http.record('GET', '/v1/orders/:id', 200, 0.004);
    http.record('GET', '/v1/orders/:id', 200, 0.2);
    http.record('GET', '/v1/orders/:id', 500, 1.2);
    // a second service in the same process shares the histogram instead of failing
    httpServerMetrics(registry).record('GET', 'unmatched', 404, 0.001);

    const result = await scrape(registry);
    const name = 'http_server_request_duration_seconds';
    expect(result.families.get(name)?.type).toBe('histogram');
    const ok = { method: 'GET', route: '/v1/orders/:id', status_code: '200' };
    expect(result.find(`${name}_count`, ok)[0]?.value).toBe(2);
    expect(result.find(`${name}_sum`, ok)[0]?.value).toBeCloseTo(0.204);
    expect(result.find(`${name}_bucket`, { ...ok, le: '0.005' })[0]?.value).toBe(1);
    expect(result.find(`${name}_bucket`, { ...ok, le: '0.2' })[0]?.value).toBe(2);
    expect(result.find(`${name}_bucket`, { ...ok, le: '+Inf' })[0]?.value).toBe(2);
    expect(result.find(`${name}_count`, { status_code: '500' })[0]?.value).toBe(1);
    expect(result.find(`${name}_count`, { route: 'unmatched', status_code: '404' })[0]?.value).toBe(
      1,
    );
  });
});
