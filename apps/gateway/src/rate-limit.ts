import rateLimit from '@fastify/rate-limit';
import { commonErrors, isAppError } from '@groundwork/errors';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Redis } from 'ioredis';
import { gatewayErrors } from './gateway-errors.ts';
import type { GatewayMetrics } from './gateway-metrics.ts';
import { redisWindowStore } from './rate-limit-store.ts';
import type { RateLimitClass } from './route-table.ts';

export interface LimitSettings {
  readonly max: number;
  readonly windowMs: number;
}

export interface RateLimitsOptions {
  /** The gateway's Redis client (edge-redis.ts); connected here, closed by its owner. */
  readonly redis: Redis;
  /** Every counter key starts with it, so several deployments (or test files) can share a Redis. */
  readonly keyPrefix: string;
  readonly standard: LimitSettings;
  readonly auth: LimitSettings;
  /** Counts 429s and store outages (`rate_limit_rejections_total`, `rate_limit_store_failures_total`). */
  readonly metrics: Pick<GatewayMetrics, 'rateLimitRejected' | 'rateLimitStoreFailed'>;
}

/** Requests that met a Redis outage, by what the gateway did with them. */
export interface RateLimitStoreFailures {
  /** Let through unlimited: every route but the credential endpoints. */
  readonly failedOpen: number;
  /** Refused with 503: the credential endpoints, which must never be open to brute force. */
  readonly failedClosed: number;
}

export type RateLimitHook = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

declare module 'fastify' {
  interface FastifyInstance {
    /** The limiter of each class, as an onRequest hook that runs after edge auth. */
    readonly rateLimitFor: Readonly<Record<RateLimitClass, RateLimitHook>>;
    /** Counts of requests that met a Redis outage, for metrics and tests. */
    readonly rateLimitStoreFailures: RateLimitStoreFailures;
  }
}

// Retry-After for a refused credential request while Redis is down: a reconnect usually takes
// seconds, and clients that hammer the endpoint meanwhile gain nothing.
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;

const limitRates: FastifyPluginAsync<RateLimitsOptions> = async (app, options) => {
  const log = app.log.child({ component: 'rate-limit' });
  const { redis } = options;
  let storeDown = false;
  const storeFailed = (error: unknown) => {
    if (storeDown) return;
    storeDown = true;
    log.error(
      { err: error },
      'rate limit store unavailable: /v1/auth refused (fail closed), other routes unlimited (fail open)',
    );
  };
  const storeAnswered = () => {
    if (!storeDown) return;
    storeDown = false;
    log.info('rate limit store available again');
  };
  // ioredis emits one error per reconnect attempt (and prints them when nobody listens): the
  // outage is logged once, and again when it ends.
  redis.on('error', storeFailed);
  redis.on('ready', storeAnswered);
  // Connect before the first request, which would otherwise find no connection yet and be refused.
  // If Redis is down the gateway starts all the same (the error is logged above) and ioredis keeps
  // reconnecting in the background: one outage must not keep every instance from starting.
  await redis.connect().catch(() => {});

  await app.register(rateLimit, {
    global: false,
    store: redisWindowStore(redis, options.keyPrefix),
    // RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, as the IETF draft names them.
    enableDraftSpec: true,
    skipOnError: false,
    errorResponseBuilder: (_request, context) =>
      commonErrors.RATE_LIMITED.create(
        `The limit of ${context.max} requests was reached; retry in ${context.after}.`,
        { retryAfterSeconds: Math.max(1, Math.ceil(context.ttl / 1000)) },
      ),
  });

  const failures = { failedOpen: 0, failedClosed: 0 };

  const standard = app.rateLimit({
    max: options.standard.max,
    timeWindow: options.standard.windowMs,
    // Per user once edge auth has proven who calls, per address before that.
    keyGenerator: (request) =>
      request.caller === null
        ? `ip:${rateLimit.normalizeIP(request.clientAddress.ip)}`
        : `user:${request.caller.sub}`,
  });
  const auth = app.rateLimit({
    max: options.auth.max,
    timeWindow: options.auth.windowMs,
    keyGenerator: (request) => `auth:${rateLimit.normalizeIP(request.clientAddress.ip)}`,
  });

  const { metrics } = options;

  /** Runs a limiter; resolves false when the store could not answer (Redis down or too slow). */
  async function counted(
    limit: RateLimitClass,
    limiter: typeof standard,
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    try {
      await limiter.call(app, request, reply);
    } catch (error) {
      if (!isAppError(error)) {
        storeFailed(error);
        return false;
      }
      storeAnswered();
      metrics.rateLimitRejected(limit);
      throw error;
    }
    storeAnswered();
    return true;
  }

  app.decorate('rateLimitFor', {
    standard: async (request, reply) => {
      if (await counted('standard', standard, request, reply)) return;
      failures.failedOpen += 1;
      metrics.rateLimitStoreFailed('standard', 'fail_open');
    },
    auth: async (request, reply) => {
      if (await counted('auth', auth, request, reply)) return;
      failures.failedClosed += 1;
      metrics.rateLimitStoreFailed('auth', 'fail_closed');
      throw gatewayErrors.GATEWAY_RATE_LIMIT_UNAVAILABLE.create(
        'Sign-in is briefly unavailable; retry shortly.',
        { retryAfterSeconds: STORE_DOWN_RETRY_AFTER_SECONDS },
      );
    },
  });
  app.decorate('rateLimitStoreFailures', {
    getter: () => ({ ...failures }),
  });
};

/**
 * Rate limits shared by every gateway instance through one Redis: `standard` (per user, per IP
 * for anonymous calls) and the stricter per-IP `auth` for credential endpoints. A refused request
 * is 429 problem+json with Retry-After and RateLimit-* headers. When Redis is down, `auth` fails
 * closed (503) and `standard` fails open; both are counted (`rate_limit_store_failures_total`, as
 * 429s are in `rate_limit_rejections_total`), and the outage is logged once.
 * The client address comes from `clientAddress`, so a spoofed X-Forwarded-For never picks the key.
 */
export const rateLimits = fp(limitRates, {
  name: 'gateway-rate-limits',
  fastify: '5.x',
  dependencies: ['gateway-client-address', 'gateway-edge-auth'],
});
