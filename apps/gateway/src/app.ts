import { createRemoteKeyResolver } from '@groundwork/auth';
import type { Logger } from '@groundwork/logger';
import { createService, type Service, serviceOptionsFromEnv } from '@groundwork/service-kit';
import { defaultMetricsRegistry, type MetricsRegistry } from '@groundwork/telemetry';
import { apiDocs } from './api-docs.ts';
import { API_VERSION } from './api-version.ts';
import { clientAddress } from './client-address.ts';
import type { GatewayConfig } from './config.ts';
import { edgeAuth } from './edge-auth.ts';
import { createEdgeRedis, edgeRevocationCheck } from './edge-redis.ts';
import { createGatewayMetrics } from './gateway-metrics.ts';
import { proxy } from './proxy.ts';
import { rateLimits } from './rate-limit.ts';
import { createUpstreamResilience, type UpstreamResilience } from './resilience.ts';
import { createRetryBudget } from './retry-budget.ts';
import {
  checkRouteTable,
  covers,
  ROUTE_TABLE,
  type RouteEntry,
  type UpstreamName,
} from './route-table.ts';
import { upstreamHealth } from './upstream-health.ts';

export interface GatewayDeps {
  readonly config: GatewayConfig;
  /** Default: the kit's JSON logger at `LOG_LEVEL`. Tests pass one that records lines. */
  readonly logger?: Logger;
  /** Default: the route table of the runtime contract. */
  readonly routes?: readonly RouteEntry[];
  /**
   * The origin of each upstream by name. Default: the project's services at their `<NAME>_URL`.
   * Tests about the gateway's own mechanics route their own table to fixture upstreams here.
   */
  readonly upstreams?: Readonly<Record<string, string>>;
  /** Served at `/metrics`. Default: the process's registry. Tests pass their own. */
  readonly metrics?: MetricsRegistry;
}

// Fetching a service's OpenAPI document is an interactive request: fail fast, serve the cached one.
const DOCS_FETCH_TIMEOUT_MS = 2_000;

/**
 * The gateway, wired by hand: the kit's service, then the edge in the order a request meets it
 * (client address, edge auth, rate limit, one proxy scope per upstream under its resilience
 * policies), then the merged API docs. Every pool, policy and limiter is built here, once.
 */
export async function buildApp(deps: GatewayDeps): Promise<Service> {
  const { config } = deps;
  const origins = {
    identity: config.IDENTITY_URL,
    orders: config.ORDERS_URL,
  } satisfies Record<UpstreamName, string>;
  const upstreamOrigins: Readonly<Record<string, string>> = deps.upstreams ?? origins;
  const routes = checkRouteTable(deps.routes ?? ROUTE_TABLE, Object.keys(upstreamOrigins));
  // Only the upstreams the route table sends traffic to: one without a route gets no proxy, no
  // breaker in /health/ready and no document fetched for /openapi.json (a test's own table).
  const routed = Object.entries(upstreamOrigins).filter(([name]) =>
    routes.some((entry) => entry.upstream === name),
  );
  const registry = deps.metrics ?? defaultMetricsRegistry();
  const metrics = createGatewayMetrics(
    registry,
    routed.map(([name]) => name),
  );
  const app = await createService({
    name: 'gateway',
    version: API_VERSION,
    description:
      'The Groundwork API: every service behind one origin, one document, one error format.',
    ...serviceOptionsFromEnv(config),
    ...(deps.logger === undefined ? {} : { logger: deps.logger }),
    metrics: registry,
    // /openapi.json and /docs are the merged ones below, not the gateway's own routes.
    docs: false,
  });

  const upstreams = routed.map(([name, url]) => ({
    name,
    url,
    routes: routes.filter((entry) => entry.upstream === name),
    resilience: createUpstreamResilience(name, {
      timeoutMs: config.UPSTREAM_TIMEOUT_MS,
      maxRetries: config.UPSTREAM_MAX_RETRIES,
      retryDelayMs: config.UPSTREAM_RETRY_DELAY_MS,
      retryBudget: createRetryBudget({
        ratio: config.UPSTREAM_RETRY_BUDGET_RATIO,
        minPerSecond: config.UPSTREAM_RETRY_BUDGET_MIN_PER_SECOND,
      }),
      consecutiveFailures: config.BREAKER_CONSECUTIVE_FAILURES,
      halfOpenAfterMs: config.BREAKER_HALF_OPEN_AFTER_MS,
      maxConcurrency: config.UPSTREAM_MAX_CONCURRENCY,
      logger: app.log,
      onBreakerStateChange: (state) => metrics.breakerState(name, state),
    }) satisfies UpstreamResilience,
  }));

  const redis = createEdgeRedis(config.REDIS_URL, config.RATE_LIMIT_STORE_TIMEOUT_MS);
  app.addHook('onClose', async () => {
    if (redis.status === 'ready') await redis.quit();
    else redis.disconnect();
  });

  await app.register(clientAddress, { trustedProxies: config.TRUSTED_PROXIES });
  await app.register(edgeAuth, {
    keys: createRemoteKeyResolver({ url: config.JWKS_URL }),
    issuer: config.TOKEN_ISSUER,
    isRevoked: edgeRevocationCheck(redis),
    tokenCacheMaxEntries: config.TOKEN_CACHE_MAX_ENTRIES,
  });
  await app.register(rateLimits, {
    redis,
    keyPrefix: config.RATE_LIMIT_KEY_PREFIX,
    standard: { max: config.RATE_LIMIT_MAX, windowMs: config.RATE_LIMIT_WINDOW_MS },
    auth: { max: config.AUTH_RATE_LIMIT_MAX, windowMs: config.AUTH_RATE_LIMIT_WINDOW_MS },
    metrics,
  });
  await app.register(upstreamHealth, {
    upstreams: upstreams.map((upstream) => upstream.resilience),
  });

  for (const upstream of upstreams) {
    await app.register(proxy, {
      url: upstream.url,
      resilience: upstream.resilience,
      routes: upstream.routes,
      connections: config.UPSTREAM_CONNECTIONS,
      keepAliveMs: config.UPSTREAM_KEEP_ALIVE_MS,
      socketTimeoutMs: config.UPSTREAM_TIMEOUT_MS,
    });
  }

  await app.register(apiDocs, {
    upstreams: upstreams.map(({ name, url, routes: owned }) => ({
      name,
      url,
      routes: (path: string) => owned.some((entry) => covers(entry.prefix, path)),
      requiresToken: (path: string) =>
        owned.some((entry) => entry.access === 'token' && covers(entry.prefix, path)),
    })),
    ttlMs: config.OPENAPI_CACHE_TTL_MS,
    fetchTimeoutMs: DOCS_FETCH_TIMEOUT_MS,
  });
  return app;
}
