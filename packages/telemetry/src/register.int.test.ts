import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type ChildService, startChildService } from '../test/support/child-service.ts';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './otlp-receiver.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCRIPT = fileURLToPath(new URL('../test/fixtures/traced-server.ts', import.meta.url));
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/;
/** Starting a Node process and waiting for its exit takes longer than vitest's default 10 s under load. */
const PROCESS_TIMEOUT_MS = 30_000;

describeWithServices('the --import register entry', ['postgres', 'redis'], () => {
  const db = usePostgres();
  const redis = useRedis();
  let receiver: OtlpReceiver;
  let downstream: Server;
  let downstreamUrl: string;
  const downstreamTraceparents: string[] = [];

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    downstream = createServer((request, response) => {
      downstreamTraceparents.push(String(request.headers.traceparent ?? 'none'));
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"price":3}');
    });
    await new Promise<void>((resolve) => downstream.listen(0, '127.0.0.1', resolve));
    downstreamUrl = `http://127.0.0.1:${(downstream.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await receiver.close();
    downstream.close();
  });

  /** Starts the fixture, serves one request for thing `id`, and stops it. */
  async function serveOnce(id: string, env: Record<string, string>): Promise<ChildService> {
    const child = await startChildService(SCRIPT, {
      cwd: PACKAGE_ROOT,
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: db.url,
        REDIS_URL: redis.url,
        DOWNSTREAM_URL: downstreamUrl,
        ...env,
      },
    });
    try {
      const response = await fetch(`http://127.0.0.1:${child.port}/v1/things/${id}`, {
        headers: { 'x-request-id': `req-${id}` },
      });
      expect(response.status).toBe(200);
    } finally {
      expect(await child.stop()).toBe(0);
    }
    return child;
  }

  describe('with an OTLP endpoint', () => {
    let child: ChildService;
    let spans: ReceivedSpan[];
    let server: ReceivedSpan;

    beforeAll(async () => {
      child = await serveOnce('42', {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: 'things',
        DEPLOYMENT_ENVIRONMENT: 'test',
      });
      // Sent by the beforeExit flush once the fixture has closed its server, pool and client.
      spans = await receiver.waitFor((received) =>
        received.some((span) => span.kind === 'server' && span.name.startsWith('GET')),
      );
      server = spans.find((span) => span.kind === 'server') as ReceivedSpan;
    }, PROCESS_TIMEOUT_MS);

    test('when a service starts with the register entry and an OTLP endpoint, then its request span arrives named by route, under the service name, version and environment', () => {
      expect(server).toMatchObject({
        name: 'GET /v1/things/:id',
        scope: '@groundwork/telemetry/http',
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
      // Every span of the request, and nothing else, is in its trace.
      expect(spans.every((span) => span.traceId === server.traceId)).toBe(true);
    });

    test('when a request reaches Postgres, then the db span is a child of the http span', () => {
      const query = spans.find((span) => span.attributes['db.query.text'] !== undefined);
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
      expect(spans.map((span) => span.name)).toContain('pg-pool.connect');
    });

    test('when a request reaches Redis, then the command span is a child of the http span', () => {
      const get = spans.find((span) => span.attributes['db.system.name'] === 'redis');
      expect(get).toMatchObject({ name: 'GET', kind: 'client', parentSpanId: server.spanId });
    });

    test('when a request calls another service, then the client span is a child of the http span and the callee receives its trace context', () => {
      const outgoing = spans.find(
        (span) => span.kind === 'client' && span.attributes['url.full'] !== undefined,
      );
      expect(outgoing).toMatchObject({
        parentSpanId: server.spanId,
        scope: '@groundwork/telemetry/undici',
        attributes: expect.objectContaining({ 'url.full': `${downstreamUrl}/prices/42` }),
      });
      const [, traceId, parentId] = TRACEPARENT.exec(downstreamTraceparents.at(-1) ?? '') ?? [];
      expect({ traceId, parentId }).toEqual({
        traceId: server.traceId,
        parentId: outgoing?.spanId,
      });
    });

    test('when a line is logged during the request, then it carries the traceId and spanId of the http span and the requestId', () => {
      expect(child.lines.find((line) => line.msg === 'thing served')).toMatchObject({
        requestId: 'req-42',
        traceId: server.traceId,
        spanId: server.spanId,
      });
    });
  });

  describe('without an OTLP endpoint', () => {
    test(
      'when a service starts with the register entry and no OTLP endpoint, then no tracer provider is registered, nothing is sent and log lines carry no trace ids',
      async () => {
        const before = receiver.spans.length;
        const child = await serveOnce('7', {});

        expect(
          child.lines.find((line) => line.msg === 'listening')?.registeredWithOpenTelemetry,
        ).toEqual([]);
        // The process has exited: whatever it would have sent, it would have sent by now.
        expect(receiver.spans.length).toBe(before);
        expect(downstreamTraceparents.at(-1)).toBe('none');
        const served = child.lines.find((line) => line.msg === 'thing served');
        expect(served).toMatchObject({ requestId: 'req-7' });
        expect(served).not.toHaveProperty('traceId');
      },
      PROCESS_TIMEOUT_MS,
    );
  });
});
