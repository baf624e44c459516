import cors from '@fastify/cors';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import helmet from 'helmet';

export interface SecurityOptions {
  /** Exact origins allowed by CORS; empty means no cross-origin browser access. */
  corsOrigins: readonly string[];
}

/**
 * helmet's headers, its middleware built once. @fastify/helmet builds a new helmet middleware on
 * every request (parsing the CSP directives each time) and adds two hooks, one of them async:
 * measured with `npm run telemetry-cost -w @groundwork/bench`, that was about a tenth of a cached
 * read's CPU in orders. The headers are the same; only when they are computed changes.
 */
const setSecurityHeaders = helmet({
  // The API serves JSON, never documents: the strictest policy fits every route. /docs
  // replaces it with its own (see openapi.ts).
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  },
  // helmet's defaults cover the rest: HSTS for a year with subdomains, nosniff,
  // X-Frame-Options, Referrer-Policy no-referrer, and X-Powered-By removed.
});

const ignore = () => {};

const registerSecurity: FastifyPluginAsync<SecurityOptions> = async (app, options) => {
  app.addHook('onRequest', (request, reply, done) => {
    // helmet sets the headers synchronously and, since 8.1, throws rather than passing an error on.
    setSecurityHeaders(request.raw, reply.raw, ignore);
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
