import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import https from 'node:https';
import {
  type Attributes,
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TextMapSetter,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import { type RPCMetadata as HTTPMetadata, RPCType, setRPCMetadata } from '@opentelemetry/core';
import {
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_METHOD_ORIGINAL,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_FULL,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
} from '@opentelemetry/semantic-conventions';

/** Probes and scrapes arrive every few seconds from the platform: spans for them are noise. */
const UNTRACED_PATHS = /^\/(health\/(live|ready)|metrics)(\?|$)/;

const KNOWN_METHODS = new Set([
  'GET',
  'HEAD',
  'POST',
  'PUT',
  'DELETE',
  'CONNECT',
  'OPTIONS',
  'TRACE',
  'PATCH',
  'QUERY',
]);

/** The method as semantic conventions spell it: a known one, else `_OTHER`. */
function methodOf(method: string | undefined): string {
  return method !== undefined && KNOWN_METHODS.has(method) ? method : '_OTHER';
}

type ServerEmit = (this: http.Server, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * One SERVER span per incoming HTTP request, for every `http` and `https` server of the process,
 * continuing the caller's W3C `traceparent`, named `GET /v1/orders/:id` once the service kit has
 * told the route (`setHttpRoute`), with the attributes semantic conventions require: method,
 * scheme, path, route, status code, `error.type` on a 5xx, and the peer address.
 *
 * Why not @opentelemetry/instrumentation-http for incoming requests: with tracing on it measured
 * 3-8 % of each service's CPU on a cached read, before the context manager's share. Per request
 * it parses the URL with WHATWG `URL` (twice), reads the client address from forwarding headers,
 * the user agent and the host, records metrics through a meter (ours come from the service kit),
 * and binds the request and the response with the context manager's listener-wrapping binding.
 * Here: the route pattern names the span (the raw URL is only `url.path`), the query string
 * stays out (it may hold user data), and the request and response are bound with
 * `EmitBindingContextManager`'s one-function binding, which keeps a request body's `data` and
 * `end` events and the response's `finish` (the request log line) in the request's trace.
 *
 * Probes and `/metrics` get no span, and nothing under them is traced (pg, Redis and outgoing
 * calls need a parent span).
 *
 * @returns a function that removes the patch.
 */
export function traceHttpServers(tracer: Tracer): () => void {
  const restores = [
    patchServerEmit(http.Server.prototype, tracer, 'http'),
    patchServerEmit(https.Server.prototype as unknown as http.Server, tracer, 'https'),
  ];
  return () => {
    for (const restore of restores) restore();
  };
}

function patchServerEmit(prototype: http.Server, tracer: Tracer, scheme: string): () => void {
  const own = Object.hasOwn(prototype, 'emit');
  const original = prototype.emit as ServerEmit;
  const traced: ServerEmit = function tracedEmit(this: http.Server, event, ...args) {
    if (event !== 'request') return original.call(this, event, ...args);
    const request = args[0] as IncomingMessage;
    const response = args[1] as ServerResponse;
    const url = request.url ?? '/';
    if (UNTRACED_PATHS.test(url)) return original.call(this, event, ...args);

    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const method = methodOf(request.method);
    const span = tracer.startSpan(method, { kind: SpanKind.SERVER }, parent);
    if (span.isRecording()) {
      const query = url.indexOf('?');
      const attributes: Attributes = {
        [ATTR_HTTP_REQUEST_METHOD]: method,
        [ATTR_URL_SCHEME]: scheme,
        [ATTR_URL_PATH]: query === -1 ? url : url.slice(0, query),
      };
      const peer = request.socket.remoteAddress;
      if (peer !== undefined) attributes[ATTR_NETWORK_PEER_ADDRESS] = peer;
      if (method !== request.method) attributes[ATTR_HTTP_REQUEST_METHOD_ORIGINAL] = request.method;
      span.setAttributes(attributes);
    }
    // The service kit's setHttpRoute writes the matched route here (the hand-off framework
    // instrumentations use); the span is named after it when it ends.
    const metadata: HTTPMetadata = { type: RPCType.HTTP, span };
    const active = setRPCMetadata(trace.setSpan(parent, span), metadata);
    context.bind(active, request);
    context.bind(active, response);
    response.once('close', () => endServerSpan(span, method, response, metadata));
    return context.with(active, original, this, event, ...args);
  };
  prototype.emit = traced as typeof prototype.emit;
  return () => {
    if (prototype.emit !== traced) return;
    if (own) prototype.emit = original as typeof prototype.emit;
    else delete (prototype as Partial<http.Server>).emit;
  };
}

function endServerSpan(
  span: Span,
  method: string,
  response: ServerResponse,
  metadata: HTTPMetadata,
): void {
  if (span.isRecording()) {
    const status = response.statusCode;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (metadata.route !== undefined) {
      span.setAttribute(ATTR_HTTP_ROUTE, metadata.route);
      span.updateName(`${method} ${metadata.route}`);
    }
    // A server span is an error on a 5xx only: a 4xx is the client's mistake, answered correctly.
    if (status >= 500) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
    }
  }
  span.end();
}

/** The parts of an undici request that its diagnostics channels hand over. */
interface UndiciRequest {
  readonly origin: string;
  readonly path: string;
  readonly method: string;
  addHeader?(name: string, value: string): unknown;
  headers?: string | string[];
}

const CLIENT_SPAN = Symbol('@groundwork/telemetry/client-span');
type TracedUndiciRequest = UndiciRequest & { [CLIENT_SPAN]?: Span };

const headerSetter: TextMapSetter<UndiciRequest> = {
  set(request, name, value) {
    if (typeof request.addHeader === 'function') request.addHeader(name, value);
    else if (Array.isArray(request.headers)) request.headers.push(name, value);
    else if (typeof request.headers === 'string') request.headers += `${name}: ${value}\r\n`;
  },
};

/** Attributes naming an origin, built once per origin instead of parsing a URL per request. */
const originAttributes = new Map<string, Attributes>();

function attributesOfOrigin(origin: string): Attributes {
  let attributes = originAttributes.get(origin);
  if (attributes === undefined) {
    const url = new URL(origin);
    const scheme = url.protocol.slice(0, -1);
    const port = url.port === '' ? (scheme === 'https' ? 443 : 80) : Number(url.port);
    attributes = {
      [ATTR_URL_SCHEME]: scheme,
      [ATTR_SERVER_ADDRESS]: url.hostname,
      [ATTR_SERVER_PORT]: port,
    };
    originAttributes.set(origin, attributes);
  }
  return attributes;
}

/**
 * One CLIENT span per undici request (`fetch`, the gateway's proxy) made inside a trace, from
 * undici's diagnostics channels, and the W3C `traceparent` added to the request: the callee's
 * server span hangs under it. A request inside a trace the sampler dropped gets no span but still
 * carries the trace context, so the callee follows the same decision. Outside any trace, nothing.
 *
 * Why not @opentelemetry/instrumentation-undici: it parses a WHATWG `URL` and scans every request
 * header per request, keeps a WeakMap record, and records metrics through a meter; measured at
 * 1.5-2.5 % of the gateway's CPU with tracing on.
 *
 * @returns a function that unsubscribes.
 */
export function traceUndiciRequests(tracer: Tracer): () => void {
  const onCreate = (message: unknown) => {
    const request = (message as { request: TracedUndiciRequest }).request;
    const active = context.active();
    const parent = trace.getSpan(active);
    if (parent === undefined || !isSpanContextValid(parent.spanContext())) return;
    if (!parent.isRecording()) {
      propagation.inject(active, request, headerSetter);
      return;
    }
    const method = methodOf(request.method);
    const span = tracer.startSpan(
      method,
      {
        kind: SpanKind.CLIENT,
        attributes: {
          [ATTR_HTTP_REQUEST_METHOD]: method,
          [ATTR_URL_FULL]: `${request.origin}${request.path}`,
          ...attributesOfOrigin(request.origin),
        },
      },
      active,
    );
    propagation.inject(trace.setSpan(active, span), request, headerSetter);
    request[CLIENT_SPAN] = span;
  };
  const onHeaders = (message: unknown) => {
    const { request, response } = message as {
      request: TracedUndiciRequest;
      response: { statusCode: number };
    };
    const span = request[CLIENT_SPAN];
    if (span === undefined) return;
    span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, response.statusCode);
    // A client span is an error on a 4xx as well: the call did not do what it was made for.
    if (response.statusCode >= 400) {
      span.setStatus({ code: SpanStatusCode.ERROR });
      span.setAttribute(ATTR_ERROR_TYPE, String(response.statusCode));
    }
  };
  const onTrailers = (message: unknown) => {
    const request = (message as { request: TracedUndiciRequest }).request;
    const span = request[CLIENT_SPAN];
    if (span === undefined) return;
    request[CLIENT_SPAN] = undefined;
    span.end();
  };
  const onError = (message: unknown) => {
    const { request, error } = message as { request: TracedUndiciRequest; error: unknown };
    const span = request[CLIENT_SPAN];
    if (span === undefined) return;
    request[CLIENT_SPAN] = undefined;
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute(ATTR_ERROR_TYPE, error instanceof Error ? error.name : 'Error');
    span.end();
  };
  const channels: [string, (message: unknown) => void][] = [
    ['undici:request:create', onCreate],
    ['undici:request:headers', onHeaders],
    ['undici:request:trailers', onTrailers],
    ['undici:request:error', onError],
  ];
  for (const [name, handler] of channels) subscribe(name, handler);
  return () => {
    for (const [name, handler] of channels) unsubscribe(name, handler);
  };
}
