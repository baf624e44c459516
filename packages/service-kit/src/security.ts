import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface SecurityOptions {
  /** Exact origins allowed by CORS; empty means no cross-origin browser access. */
  corsOrigins: readonly string[];
}

const registerSecurity: FastifyPluginAsync<SecurityOptions> = async (app, options) => {
  await app.register(helmet, {
    // The API serves JSON, never documents: the strictest policy fits every route. /docs
    // replaces it with its own (see openapi.ts).
    contentSecurityPolicy: {
      useDefaults: false,
      directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    },
    // helmet's defaults cover the rest: HSTS for a year with subdomains, nosniff,
    // X-Frame-Options, Referrer-Policy no-referrer, and X-Powered-By removed.
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
