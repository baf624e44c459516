import { once } from 'node:events';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  context,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { useInMemoryTracing } from '../test/support/in-memory-tracing.ts';
import { setHttpRoute } from './http-route.ts';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(0[01])$/;

/** What a handler saw of the active span: the trace and span ids, or none. */
function activeIds(): string {
  const span = trace.getActiveSpan();
  return span === undefined ? 'none' : `${span.spanContext().traceId}/${span.spanContext().spanId}`;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('http server and undici client spans', () => {
  const tracing = useInMemoryTracing('http-test');
  let app: Server;
  let appUrl: string;
  let downstream: Server;
  let downstreamUrl: string;
  const seen = new Map<string, string>();
  const received: string[] = [];

  beforeAll(async () => {
    downstream = createServer((request, response) => {
      received.push(String(request.headers.traceparent ?? 'none'));
      response.statusCode = request.url === '/missing' ? 404 : 200;
      response.end('{}');
    });
    downstreamUrl = await listen(downstream);
    app = createServer((request: IncomingMessage, response) => {
      const url = request.url ?? '';
      if (url.startsWith('/v1/things/')) {
        setHttpRoute('/v1/things/:id');
        response.end('{}');
      } else if (url === '/v1/upload') {
        // The body's events come from the socket, later than the request event: they must
        // still run in the request's trace.
        request.on('data', () => seen.set('data', activeIds()));
        request.on('end', () => {
          seen.set('end', activeIds());
          response.end('{}');
        });
      } else if (url === '/v1/proxied') {
        // As a proxy does: the response is ended from a callback of another connection, which
        // runs in whatever context that connection was opened in.
        context.with(ROOT_CONTEXT, () => setImmediate(() => response.end('{}')));
      } else if (url === '/v1/boom') {
        response.statusCode = 503;
        response.end();
      } else if (url === '/v1/teapot') {
        response.statusCode = 418;
        response.end();
      } else if (url.startsWith('/v1/call')) {
        const path = url === '/v1/call-missing' ? '/missing' : '/prices/1';
        void fetch(`${downstreamUrl}${path}`)
          .then((answer) => answer.text())
          .then(() => response.end('{}'));
      } else {
        response.end('ok');
      }
      response.on('finish', () => seen.set('finish', activeIds()));
      seen.set('handler', activeIds());
    });
    appUrl = await listen(app);
  });
  afterAll(() => {
    app.close();
    downstream.close();
  });

  /** The app's server span (the downstream, in the same process, has its own). */
  const server = () =>
    tracing
      .spans()
      .find(
        (span) =>
          span.kind === SpanKind.SERVER && String(span.attributes['url.path']).startsWith('/v1/'),
      );
  const clients = () => tracing.spans().filter((span) => span.kind === SpanKind.CLIENT);

  test('when a request is served, then one server span named after the route carries the method, path, status and peer, and the handler and the response events run in it', async () => {
    const response = await fetch(`${appUrl}/v1/things/42?secret=yes`);
    await response.text();

    const span = server();
    expect(span).toMatchObject({
      name: 'GET /v1/things/:id',
      instrumentationScope: { name: '@groundwork/telemetry/http' },
      attributes: {
        'http.request.method': 'GET',
        'url.scheme': 'http',
        'url.path': '/v1/things/42',
        'http.route': '/v1/things/:id',
        'http.response.status_code': 200,
        'network.peer.address': '127.0.0.1',
      },
    });
    // The query string may hold user data: it stays out.
    expect(JSON.stringify(span?.attributes)).not.toContain('secret');
    const ids = `${span?.spanContext().traceId}/${span?.spanContext().spanId}`;
    expect([seen.get('handler'), seen.get('finish')]).toEqual([ids, ids]);
  });

  test('when a request body arrives after the request, then its data and end events run in the request span', async () => {
    const { port } = new URL(appUrl);
    const request = httpRequest({ host: '127.0.0.1', port, method: 'POST', path: '/v1/upload' });
    request.setHeader('transfer-encoding', 'chunked');
    request.write('first chunk');
    await new Promise((resolve) => setTimeout(resolve, 50));
    request.end('last chunk');
    const [response] = (await once(request, 'response')) as [IncomingMessage];
    response.resume();
    await once(response, 'end');

    const span = server();
    const ids = `${span?.spanContext().traceId}/${span?.spanContext().spanId}`;
    expect([seen.get('data'), seen.get('end')]).toEqual([ids, ids]);
  });

  test('when the response is ended from outside the request span, then its finish listeners (the request log line) still run in it', async () => {
    await (await fetch(`${appUrl}/v1/proxied`)).text();

    const span = server();
    expect(seen.get('finish')).toBe(`${span?.spanContext().traceId}/${span?.spanContext().spanId}`);
  });

  test('when a request carries a traceparent, then its server span continues that trace', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await (
      await fetch(`${appUrl}/v1/things/7`, {
        headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
      })
    ).text();

    expect(server()?.spanContext().traceId).toBe(traceId);
    expect(server()?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
  });

  test('when the answer is a 5xx, then the server span is an error; when it is a 4xx, it is not', async () => {
    await (await fetch(`${appUrl}/v1/boom`)).text();
    await (await fetch(`${appUrl}/v1/teapot`)).text();

    const byStatus = (status: number) =>
      tracing.spans().find((span) => span.attributes['http.response.status_code'] === status);
    expect(byStatus(503)).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      attributes: expect.objectContaining({ 'error.type': '503' }),
    });
    expect(byStatus(418)?.status.code).toBe(SpanStatusCode.UNSET);
    expect(byStatus(418)?.attributes).not.toHaveProperty('error.type');
  });

  test('when a probe or a scrape arrives, then it makes no span', async () => {
    for (const path of ['/health/live', '/health/ready', '/metrics']) {
      await (await fetch(`${appUrl}${path}`)).text();
    }
    expect(tracing.spans()).toEqual([]);
  });

  test('when a handler calls another service with fetch, then a client span is the child of the server span and the callee receives it as its parent', async () => {
    await (await fetch(`${appUrl}/v1/call`)).text();

    const [client] = clients();
    expect(client).toMatchObject({
      name: 'GET',
      instrumentationScope: { name: '@groundwork/telemetry/undici' },
      parentSpanContext: expect.objectContaining({ spanId: server()?.spanContext().spanId }),
      attributes: {
        'http.request.method': 'GET',
        'url.full': `${downstreamUrl}/prices/1`,
        'url.scheme': 'http',
        'server.address': '127.0.0.1',
        'server.port': Number(new URL(downstreamUrl).port),
        'http.response.status_code': 200,
      },
    });
    const [, traceId, parentId, flags] = TRACEPARENT.exec(received.at(-1) ?? '') ?? [];
    expect({ traceId, parentId, flags }).toEqual({
      traceId: client?.spanContext().traceId,
      parentId: client?.spanContext().spanId,
      flags: '01',
    });
  });

  test('when the callee answers a 4xx, then the client span is an error', async () => {
    await (await fetch(`${appUrl}/v1/call-missing`)).text();

    const [client] = clients();
    expect(client).toMatchObject({
      status: { code: SpanStatusCode.ERROR },
      attributes: expect.objectContaining({ 'http.response.status_code': 404 }),
    });
  });

  test('when fetch runs outside any trace, then no span is made and no traceparent is sent', async () => {
    await (await fetch(`${downstreamUrl}/prices/2`)).text();

    expect(clients()).toEqual([]);
    expect(received.at(-1)).toBe('none');
  });

  test('when fetch runs inside a trace the sampler dropped, then no span is made and the callee is told the trace is not sampled', async () => {
    const unsampled = trace.setSpanContext(context.active(), {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.NONE,
      isRemote: true,
    });

    await context.with(unsampled, async () => (await fetch(`${downstreamUrl}/prices/3`)).text());

    // The downstream follows the decision: it records nothing either.
    expect(tracing.spans()).toEqual([]);
    expect(received.at(-1)).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00');
  });
});
