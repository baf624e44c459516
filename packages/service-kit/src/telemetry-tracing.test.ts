import { createLogger, recordLines } from '@groundwork/logger';
import { createMetricsRegistry, startTelemetry, type Telemetry } from '@groundwork/telemetry';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Send, viaSocket } from '../test/transports.ts';
import type { Service } from './create-service.ts';

const INCOMING_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const INCOMING_SPAN_ID = '00f067aa0ba902b7';

describe('createService with tracing on', () => {
  const exporter = new InMemorySpanExporter();
  const { lines: logs, destination } = recordLines();
  let telemetry: Telemetry;
  let app: Service;
  let send: Send;

  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName: 'kit-test', spanExporter: exporter });
    // Loaded once tracing runs, as the register entry arranges for apps.
    const { createService } = await import('./create-service.ts');
    app = await createService({
      name: 'kit-test',
      // A loaded test runner's stall must not shed the request under test.
      loadShedding: { maxEventLoopDelayMs: 0 },
      // Ad-hoc routes that test other concerns, not an API: no convention checks.
      routeConventions: false,
      logger: createLogger({
        service: 'kit-test',
        destination,
      }),
      metrics: createMetricsRegistry({ processMetrics: false }),
    });
    app.get('/v1/things/:id', async (request) => {
      request.log.info('thing read');
      return { ok: true };
    });
    app.get('/v1/broken', async () => {
      throw new Error('database password=hunter2 rejected');
    });
    // Spans come from the http server, so requests go over a real socket, not inject().
    send = await viaSocket.connect(app);
  });
  afterEach(() => {
    exporter.reset();
    logs.length = 0;
  });
  afterAll(async () => {
    await app.close();
    await telemetry.shutdown();
  });

  it('when a request is served, then its server span is named after the route pattern and every log line of the request carries its traceId, spanId and the requestId', async () => {
    const res = await send({ url: '/v1/things/42', headers: { 'x-request-id': 'req-traced' } });
    expect(res.status).toBe(200);

    const [server] = exporter.getFinishedSpans();
    expect(server?.kind).toBe(SpanKind.SERVER);
    expect(server?.name).toBe('GET /v1/things/:id');
    expect(server?.attributes['http.route']).toBe('/v1/things/:id');
    expect(server?.attributes['url.path']).toBe('/v1/things/42');

    const lines = logs.filter((line) => line.requestId === 'req-traced');
    expect(lines.map((line) => line.msg)).toEqual(['thing read', 'request completed']);
    for (const line of lines) {
      expect(line).toMatchObject({
        traceId: server?.spanContext().traceId,
        spanId: server?.spanContext().spanId,
      });
    }
  });

  it('when a request carries a traceparent, then the service continues that trace', async () => {
    await send({
      url: '/v1/things/7',
      headers: { traceparent: `00-${INCOMING_TRACE_ID}-${INCOMING_SPAN_ID}-01` },
    });

    const [server] = exporter.getFinishedSpans();
    expect(server?.spanContext().traceId).toBe(INCOMING_TRACE_ID);
    expect(server?.parentSpanContext?.spanId).toBe(INCOMING_SPAN_ID);
    expect(logs.find((line) => line.msg === 'thing read')?.traceId).toBe(INCOMING_TRACE_ID);
  });

  it('when a request fails, then its problem+json names the trace to open, and nothing internal', async () => {
    const res = await send({ url: '/v1/broken', headers: { 'x-request-id': 'req-broken' } });

    const [server] = exporter.getFinishedSpans();
    expect(res.status).toBe(500);
    expect(res.json()).toMatchObject({
      code: 'INTERNAL',
      requestId: 'req-broken',
      traceId: server?.spanContext().traceId,
    });
    expect(res.text).not.toContain('hunter2');
  });

  it('when probes and scrapes arrive, then they make no spans', async () => {
    await send({ url: '/health/live' });
    await send({ url: '/health/ready' });
    await send({ url: '/metrics' });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });
});
