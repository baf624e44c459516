import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import replyFrom, { type FastifyReplyFromHooks } from '@fastify/reply-from';
// The kit registers @fastify/swagger; this brings its types (`schema.hide`).
import type {} from '@fastify/swagger';
import { type AppError, commonErrors, PROBLEM_CONTENT_TYPE, toProblem } from '@groundwork/errors';
import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  HTTPMethods,
  onRequestHookHandler,
} from 'fastify';
import { toClientHeaders, toUpstreamHeaders } from './forwarded-headers.ts';
import { gatewayErrors } from './gateway-errors.ts';
import { ClientClosedRequest, UpstreamFailure, type UpstreamResilience } from './resilience.ts';
import type { RouteEntry } from './route-table.ts';

export interface ProxyOptions {
  /** The upstream's origin, e.g. `http://127.0.0.1:3002`. */
  readonly url: string;
  readonly resilience: UpstreamResilience;
  /** The route table entries this upstream answers. */
  readonly routes: readonly RouteEntry[];
  /** Keep-alive connections in the upstream's pool. */
  readonly connections: number;
  readonly keepAliveMs: number;
  /** Backstop for sockets the deadline abandoned; the deadline itself is the resilience timeout. */
  readonly socketTimeoutMs: number;
}

/**
 * OPTIONS stays with the gateway's CORS preflight handling; TRACE and CONNECT are never proxied.
 * HEAD is answered through the GET routes (Fastify exposes them).
 */
const PROXIED_METHODS: HTTPMethods[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** RFC 9110 §9.2.2: repeating these has the effect of sending them once, so they may be retried. */
const IDEMPOTENT_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'PUT', 'DELETE']);

/** The response @fastify/reply-from hands over before its body is read. */
interface ProxiedResponse {
  readonly statusCode: number;
  readonly headers: IncomingHttpHeaders;
  readonly stream: Readable;
  /** The whole body, read before the response was accepted when it is small (see `readsWhole`). */
  readonly body?: Buffer;
}

/** undici's response body: a Readable that can also be read whole. */
interface UndiciBody extends Readable {
  arrayBuffer(): Promise<ArrayBuffer>;
}

/**
 * Bodies up to this size are read whole before the response is accepted, then sent with the
 * head in one write. Piping costs more CPU than a few KiB of JSON (listeners on both streams,
 * end-of-stream tracking on each, headers set one by one); larger or unsized bodies still stream.
 */
const WHOLE_BODY_MAX_BYTES = 64 * 1024;

/**
 * Whether a response's body is read whole: a sized, typed body within the limit (a HEAD answer
 * announces a length it does not send; an untyped one would be given a type by Fastify).
 */
function readsWhole(method: string, headers: IncomingHttpHeaders): boolean {
  if (method === 'HEAD' || headers['content-type'] === undefined) return false;
  const length = Number(headers['content-length']);
  return length > 0 && length <= WHOLE_BODY_MAX_BYTES;
}

const forwardHeaders: NonNullable<FastifyReplyFromHooks['rewriteRequestHeaders']> = (
  request,
  headers,
) => toUpstreamHeaders(headers, { requestId: request.id, client: request.clientAddress });

// Response headers are copied by `forward` once the response is accepted, not by reply-from for
// every attempt: a retried attempt's headers must not leak into the final reply.
const keepNoHeaders = () => ({});

/**
 * One try at the upstream; resolves when its status and headers have arrived, and its body too
 * when that is small: a body cut short then fails the attempt (counted, and retried when the
 * method allows) instead of reaching the client truncated.
 */
function attempt(
  request: FastifyRequest,
  reply: FastifyReply,
  signal: AbortSignal,
): Promise<ProxiedResponse> {
  return new Promise((resolve, reject) => {
    const client = reply.raw;
    // reply-from calls neither onResponse nor onError for a request whose client is gone: without
    // this, the attempt would wait for the deadline and be counted as an upstream timeout.
    if (client.destroyed) return reject(new ClientClosedRequest());
    let settled = false;
    const settle = () => {
      settled = true;
      signal.removeEventListener('abort', abandon);
      client.removeListener('close', clientGone);
    };
    const abandon = () => {
      settle();
      reject(
        new UpstreamFailure('timeout', 'The call deadline passed before the upstream answered'),
      );
    };
    const clientGone = () => {
      if (settled) return;
      settle();
      reject(new ClientClosedRequest());
    };
    signal.addEventListener('abort', abandon, { once: true });
    client.once('close', clientGone);
    try {
      reply.from(undefined, {
        // The body as the client sent it, bytes unchanged, so it can be sent again on a retry.
        ...(Buffer.isBuffer(request.body)
          ? {
              body: request.body,
              contentType: request.headers['content-type'] ?? 'application/octet-stream',
            }
          : {}),
        rewriteRequestHeaders: forwardHeaders,
        rewriteHeaders: keepNoHeaders,
        onResponse: (_request, _reply, response) => {
          if (settled) return discard(response.stream);
          // reply-from's types call it a ServerResponse; it is undici's status, headers and body.
          const proxied = response as unknown as ProxiedResponse;
          if (!readsWhole(request.method, proxied.headers)) {
            settle();
            return resolve(proxied);
          }
          (proxied.stream as UndiciBody).arrayBuffer().then(
            (body) => {
              if (settled) return;
              settle();
              resolve({ ...proxied, body: Buffer.from(body) });
            },
            (error: Error) => {
              if (settled) return;
              settle();
              reject(toUpstreamFailure(error));
            },
          );
        },
        onError: (_reply, { error }) => {
          if (settled) return;
          settle();
          reject(toUpstreamFailure(error));
        },
      });
    } catch (error) {
      settle();
      reject(error);
    }
  });
}

/**
 * Drops a response that arrived after the deadline answered the client. Its body may be large or
 * never end, so the connection is closed rather than drained; undici reports that as an abort.
 */
function discard(stream: Readable): void {
  stream.on('error', () => {});
  stream.destroy();
}

const CONNECT_ERRORS: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const RESET_ERRORS: ReadonlySet<string> = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);

/** Names what went wrong below HTTP in the terms the resilience policies decide on. */
function toUpstreamFailure(error: Error): UpstreamFailure {
  const code = (error as { code?: string }).code ?? '';
  const causeCode = (error.cause as { code?: string } | undefined)?.code ?? '';
  if (code.includes('TIMEOUT') && code !== 'UND_ERR_CONNECT_TIMEOUT') {
    return new UpstreamFailure('timeout', error.message, { cause: error });
  }
  if (CONNECT_ERRORS.has(code) || CONNECT_ERRORS.has(causeCode) || code.endsWith('UNAVAILABLE')) {
    return new UpstreamFailure('connect', error.message, { cause: error });
  }
  if (RESET_ERRORS.has(code) || RESET_ERRORS.has(causeCode)) {
    return new UpstreamFailure('reset', error.message, { cause: error });
  }
  return new UpstreamFailure('protocol', error.message, { cause: error });
}

// reply-from refuses `..` segments with a 400 of its own; refusing them before the resilience
// policies keeps a client's bad path from counting as an upstream outcome.
const DOT_SEGMENT = /(^|\/)(\.|%2e){2}(\/|$)/i;

function pathOf(url: string): string {
  const query = url.indexOf('?');
  return query === -1 ? url : url.slice(0, query);
}

/**
 * Fastify writes no response, and so runs no onResponse hook, for a client that has gone: this is
 * the request's one log line. 499 is nginx's "client closed request"; info, since the client chose
 * to leave and neither the gateway nor the upstream failed.
 */
function clientClosed(request: FastifyRequest, reply: FastifyReply) {
  request.log.info(
    {
      method: request.method,
      url: request.url,
      route: request.routeOptions.url,
      statusCode: 499,
      responseTime: Math.round(reply.elapsedTime * 100) / 100,
    },
    'client closed the request before the upstream answered',
  );
  return reply.code(499).send();
}

/**
 * @groundwork/errors has no kind for 502 yet, so the gateway sends this one itself, in the shape
 * the kit's error handler gives every other problem.
 */
function sendBadGateway(request: FastifyRequest, reply: FastifyReply, error: AppError) {
  request.log.error({ err: error, problem: { code: error.code } }, 'request failed');
  const problem = toProblem(error, { instance: pathOf(request.url), requestId: request.id });
  return reply
    .code(502)
    .type(PROBLEM_CONTENT_TYPE)
    .send({ ...problem, status: 502 });
}

/**
 * Forwards the route table entries of one upstream with @fastify/reply-from over a keep-alive
 * undici pool. Register it once per upstream (it is encapsulated: each registration has its own
 * pool). Hop-by-hop headers are dropped both ways; `authorization`, `traceparent` and
 * `x-request-id` reach the service; every call runs under the upstream's resilience policies.
 */
export const proxy: FastifyPluginAsync<ProxyOptions> = async (scope, options) => {
  await scope.register(replyFrom, {
    base: options.url,
    // One log line per request is the kit's; reply-from would add two more.
    disableRequestLogging: true,
    // Retries are the resilience policy's, within its budget; reply-from's own (up to ten on a
    // GET answered 503) would multiply load on an upstream that is already shedding it.
    retryMethods: [],
    destroyAgent: true,
    undici: {
      connections: options.connections,
      keepAliveTimeout: options.keepAliveMs,
      headersTimeout: options.socketTimeoutMs,
      bodyTimeout: options.socketTimeoutMs,
    },
  });

  // Bodies pass through as the bytes the client sent, whatever their type: the service parses
  // and validates them. Buffered (within the body limit), so that a retry can send them again.
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => {
    done(null, body);
  });

  const { resilience } = options;

  async function forward(request: FastifyRequest, reply: FastifyReply) {
    if (DOT_SEGMENT.test(pathOf(request.url))) {
      throw commonErrors.MALFORMED_REQUEST.create('The path may not contain dot segments.');
    }
    let response: ProxiedResponse;
    try {
      response = await resilience.call(
        (signal) => attempt(request, reply, signal),
        IDEMPOTENT_METHODS.has(request.method),
      );
    } catch (error) {
      if (gatewayErrors.GATEWAY_BAD_UPSTREAM.is(error)) {
        return sendBadGateway(request, reply, error);
      }
      if (error instanceof ClientClosedRequest) return clientClosed(request, reply);
      throw error;
    }
    return reply
      .code(response.statusCode)
      .headers(toClientHeaders(response.headers))
      .send(response.body ?? response.stream);
  }

  for (const entry of options.routes) {
    const onRequest: onRequestHookHandler[] =
      entry.access === 'token'
        ? [scope.requireToken, scope.rateLimitFor[entry.rateLimit]]
        : [scope.rateLimitFor[entry.rateLimit]];
    for (const url of [entry.prefix, `${entry.prefix}/*`]) {
      scope.route({
        method: PROXIED_METHODS,
        url,
        // Edge auth first, so a refused token costs no rate-limit round trip and an authenticated
        // caller is limited as a user, not as an address.
        onRequest,
        // The services describe these paths; /openapi.json merges their documents.
        schema: { hide: true },
        // The service behind validates and documents these routes; the gateway passes them on.
        config: { conventions: false },
        handler: forward,
      });
    }
  }
};
