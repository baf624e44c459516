import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

export interface SecurityOptions {
  /** Exact origins allowed by CORS; empty means no cross-origin browser access. */
  corsOrigins: readonly string[];
}

/**
 * The headers helmet would set, asked of it once at start. @fastify/helmet builds a new helmet
 * middleware on every request (parsing the CSP directives each time) and sets each header on the
 * raw response, which sends Node's writeHead down its slow path (every header of the response set
 * one by one). Here they join Fastify's own header map, written in one pass. Measured on the
 * cached read with `npm run profile-hold -w @groundwork/bench` (perf), helmet's share of orders'
 * CPU went from 9.2 % to nothing measurable.
 */
const SECURITY_HEADERS = headersOf(
  helmet({
    // The API serves JSON, never documents: the strictest policy fits every route. /docs
    // replaces it with its own (see openapi.ts).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    // helmet's defaults cover the rest: HSTS for a year with subdomains, nosniff,
    // X-Frame-Options, Referrer-Policy no-referrer, and X-Powered-By removed (Node never sets it).
  }),
);

type Middleware = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/** Runs a middleware that only sets and removes response headers, and returns what it set. */
function headersOf(middleware: Middleware): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string) {
      headers[name.toLowerCase()] = value;
    },
    removeHeader(name: string) {
      delete headers[name.toLowerCase()];
    },
  };
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, () => {});
  return Object.freeze(headers);
}

const registerSecurity: FastifyPluginAsync<SecurityOptions> = async (app, options) => {
  app.addHook('onRequest', (_request, reply, done) => {
    reply.headers(SECURITY_HEADERS);
    done();
  });

  await app.register(cors, {
    // A list, compared exactly: the request's Origin is echoed only when it is on it. An empty list
    // turns CORS off, so browsers on other origins are refused.
    origin: options.corsOrigins.length > 0 ? [...options.corsOrigins] : false,
    methods: ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'],
    allowedHeaders: [
      'authorization',
      'content-type',
      'idempotency-key',
      'if-match',
      'if-none-match',
      'x-request-id',
    ],
    exposedHeaders: ['etag', 'location', 'retry-after', 'x-request-id'],
    // Bearer tokens, not cookies, authenticate API calls; credentialed CORS would widen CSRF.
    credentials: false,
    maxAge: 600,
  });
};

/** Security headers on every response (helmet) and CORS limited to an explicit allowlist. */
export const security = fp(registerSecurity, {
  name: '@groundwork/service-kit/security',
  fastify: '5.x',
});
