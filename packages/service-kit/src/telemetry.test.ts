import { createLogger, recordLines } from '@groundwork/logger';
import { createMetricsRegistry, type MetricsRegistry } from '@groundwork/telemetry';
import { parsePrometheusText } from '@groundwork/telemetry/prometheus-text';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Send, viaInject, viaSocket } from '../test/transports.ts';
import { createService, type Service } from './create-service.ts';

const DURATION = 'http_server_request_duration_seconds';

async function buildApp(metrics: MetricsRegistry) {
  const { lines: logs, destination } = recordLines();
  const app = await createService({
    name: 'kit-test',
    // A loaded test runner's stall must not shed the request under test.
    loadShedding: { maxEventLoopDelayMs: 0 },
    // Ad-hoc routes that test other concerns, not an API: no convention checks.
    routeConventions: false,
    logger: createLogger({ service: 'kit-test', destination }),
    metrics,
  });
  app.get('/v1/things/:id', async (request) => {
    request.log.info('thing read');
    return { id: (request.params as { id: string }).id };
  });
  app.get('/v1/boom', async () => {
    throw new Error('kaput');
  });
  return { app, logs };
}

describe.each([viaInject, viaSocket])('/metrics, through $name', (transport) => {
  let app: Service;
  let logs: Record<string, unknown>[];
  let send: Send;

  beforeAll(async () => {
    ({ app, logs } = await buildApp(createMetricsRegistry()));
    send = await transport.connect(app);
  });
  afterAll(() => app.close());

  it('when a route with an id is called, then /metrics parses as Prometheus text and counts it by method, route pattern and status, never by raw URL', async () => {
    for (const url of [
      '/v1/things/42',
      '/v1/things/42',
      '/v1/things/7',
      '/v1/boom',
      '/v1/nope/123',
    ]) {
      await send({ url });
    }

    const res = await send({ url: '/metrics' });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8');
    const scrape = parsePrometheusText(res.text);

    expect(scrape.families.get(DURATION)?.type).toBe('histogram');
    const things = { method: 'GET', route: '/v1/things/:id', status_code: '200' };
    expect(scrape.find(`${DURATION}_count`, things)[0]?.value).toBe(3);
    expect(scrape.find(`${DURATION}_sum`, things)[0]?.value).toBeGreaterThan(0);
    const buckets = scrape.find(`${DURATION}_bucket`, things);
    expect(buckets.map((bucket) => bucket.labels.le)).toContain('0.005');
    expect(buckets.find((bucket) => bucket.labels.le === '+Inf')?.value).toBe(3);
    // Errors are the same series with their status: 5xx from a failing handler, 404 unmatched.
    expect(
      scrape.find(`${DURATION}_count`, { route: '/v1/boom', status_code: '500' })[0]?.value,
    ).toBe(1);
    expect(
      scrape.find(`${DURATION}_count`, { route: 'unmatched', status_code: '404' })[0]?.value,
    ).toBe(1);
    // Only patterns: no series is labelled with an id or a raw URL.
    const labelValues = scrape.samples.flatMap((sample) => Object.values(sample.labels));
    expect(labelValues.filter((value) => /42|\/7\b|nope/.test(value))).toEqual([]);
    // And the process metrics sit beside them.
    for (const name of [
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
      'nodejs_eventloop_lag_p99_seconds',
    ]) {
      expect(scrape.families.has(name), name).toBe(true);
    }
  });

  it('when Prometheus scrapes, then the scrape writes no request log line and is left out of the OpenAPI document', async () => {
    const before = logs.length;
    await send({ url: '/metrics' });
    expect(logs.slice(before)).toEqual([]);

    const openApi = (await send({ url: '/openapi.json' })).json() as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(openApi.paths)).toContain('/v1/things/{id}');
    expect(Object.keys(openApi.paths)).not.toContain('/metrics');
  });

  it('when tracing is off, then request log lines carry the requestId and no traceId', async () => {
    const before = logs.length;
    await send({ url: '/v1/things/9', headers: { 'x-request-id': 'req-9' } });

    const lines = logs.slice(before);
    expect(lines.map((line) => line.msg)).toEqual(['thing read', 'request completed']);
    for (const line of lines) {
      expect(line.requestId).toBe('req-9');
      expect(line).not.toHaveProperty('traceId');
    }
  });
});

describe('createService metrics option', () => {
  it('when two services share a registry in one process, then both count into the same series', async () => {
    const metrics = createMetricsRegistry({ processMetrics: false });
    const first = await buildApp(metrics);
    const second = await buildApp(metrics);
    await first.app.inject('/v1/things/1');
    await second.app.inject('/v1/things/2');

    const scrape = parsePrometheusText(await metrics.metrics());
    expect(scrape.find(`${DURATION}_count`, { route: '/v1/things/:id' })[0]?.value).toBe(2);
    await Promise.all([first.app.close(), second.app.close()]);
  });
});
