import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { afterAll, afterEach, beforeAll, expect, test, vi } from 'vitest';
import { type ChildService, startChildService } from '../test/support/child-service.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../test/fixtures/traced-server.ts', import.meta.url));
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;

describeWithServices('the --import register entry', ['postgres', 'redis'], () => {
  // Each test starts a Node process and waits for its exit.
  vi.setConfig({ testTimeout: 20_000 });
  const db = usePostgres();
  const redis = useRedis();
  let receiver: OtlpReceiver;
  let downstream: Server;
  let downstreamUrl: string;
  const downstreamTraceparents: string[] = [];
  let child: ChildService | undefined;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    downstream = createServer((request, response) => {
      downstreamTraceparents.push(String(request.headers.traceparent));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"price":3}');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await child?.stop();
    child = undefined;
  });
  afterAll(async () => {
    await receiver.close();
    downstream.close();
  });

  const start = (env: Record<string, string>) =>
    startChildService(SCRIPT, {
      cwd: PACKAGE_ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        DOWNSTREAM_URL: downstreamUrl,
        ...env,
      },
    });

  test('when a service starts with the register entry and an OTLP endpoint, then one request sends its server, Postgres, Redis and outgoing spans in one trace under the service name', async () => {
    child = await start({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_SERVICE_NAME: 'things',
      DEPLOYMENT_ENVIRONMENT: 'test',
    });
    const response = await fetch(`http://127.0.0.1:${child.port}/v1/things/42`, {
      headers: { 'x-request-id': 'req-42' },
    });
    expect(response.status).toBe(200);
    expect(await child.stop()).toBe(0);

    const spans = await receiver.waitFor((received) =>
      received.some((span) => span.kind === 'server' && span.name.startsWith('GET')),
    );
    const server = spans.find((span) => span.kind === 'server') as ReceivedSpan;
    expect(server).toMatchObject({
      name: 'GET /v1/things/:id',
      scope: '@opentelemetry/instrumentation-http',
      parentSpanId: '',
      attributes: expect.objectContaining({
        'http.route': '/v1/things/:id',
        'http.response.status_code': 200,
      }),
      resource: expect.objectContaining({
        'service.name': 'things',
        // no SERVICE_VERSION: the version of the package the script belongs to
        'service.version': '0.1.0',
        'deployment.environment.name': 'test',
      }),
    });
    const trace = spans.filter((span) => span.traceId === server.traceId);
    expect(trace).toEqual(spans);

    const query = trace.find((span) => span.attributes['db.query.text'] !== undefined);
    expect(query).toMatchObject({
      kind: 'client',
      parentSpanId: server.spanId,
      attributes: expect.objectContaining({
        'db.system.name': 'postgresql',
        'db.query.text': 'select $1::text as id',
      }),
    });
    // The bound value (the id) stays out of the span; the pool checkout has its own span.
    expect(JSON.stringify(query)).not.toContain('"42"');
    expect(trace.map((span) => span.name)).toContain('pg-pool.connect');
    const get = trace.find((span) => span.attributes['db.system.name'] === 'redis');
    expect(get).toMatchObject({ name: 'GET', kind: 'client', parentSpanId: server.spanId });
    const outgoing = trace.find(
      (span) => span.kind === 'client' && span.attributes['url.full'] !== undefined,
    );
    expect(outgoing).toMatchObject({
      parentSpanId: server.spanId,
      scope: '@opentelemetry/instrumentation-undici',
    });
    expect(outgoing?.attributes['url.full']).toBe(`${downstreamUrl}/prices/42`);

    // The downstream service received the trace context: its own spans would join this trace.
    const [, traceId, parentId] = TRACEPARENT.exec(downstreamTraceparents.at(-1) ?? '') ?? [];
    expect({ traceId, parentId }).toEqual({ traceId: server.traceId, parentId: outgoing?.spanId });

    // And the request's log line names the trace and the span it was written in.
    expect(child.lines.find((line) => line.msg === 'thing served')).toMatchObject({
      requestId: 'req-42',
      traceId: server.traceId,
      spanId: server.spanId,
    });
  });

  test('when a service starts with the register entry and no OTLP endpoint, then no tracer provider is registered, nothing is sent and log lines carry no trace ids', async () => {
    const before = receiver.spans.length;
    child = await start({});
    expect(
      child.lines.find((line) => line.msg === 'listening')?.registeredWithOpenTelemetry,
    ).toEqual([]);

    const response = await fetch(`http://127.0.0.1:${child.port}/v1/things/7`, {
      headers: { 'x-request-id': 'req-7' },
    });
    expect(response.status).toBe(200);
    expect(await child.stop()).toBe(0);

    expect(receiver.spans.length).toBe(before);
    expect(downstreamTraceparents.at(-1)).toBe('undefined');
    const served = child.lines.find((line) => line.msg === 'thing served');
    expect(served).toMatchObject({ requestId: 'req-7' });
    expect(served).not.toHaveProperty('traceId');
  });
});
