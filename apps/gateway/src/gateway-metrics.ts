import type { MetricsRegistry } from '@groundwork/telemetry';
import type { BreakerState } from './resilience.ts';
import type { RateLimitClass } from './route-table.ts';

/**
 * `breaker_state` values. Ordered by severity, so `max by (upstream)` over replicas is the worst
 * one: 0 closed (calls pass), 1 half-open (one probe passes, the rest are refused), 2 open (every
 * call refused). An isolated breaker refuses every call too, so it reads as open.
 */
export const BREAKER_STATE_VALUES: Readonly<Record<BreakerState, number>> = {
  closed: 0,
  'half-open': 1,
  open: 2,
  isolated: 2,
};

/** What a request that met a Redis outage got: let through (`fail_open`) or refused (`fail_closed`). */
export type StoreFailureOutcome = 'fail_open' | 'fail_closed';

/** The gateway's own metrics, beside the kit's RED and process metrics on the same `/metrics`. */
export interface GatewayMetrics {
  breakerState(upstream: string, state: BreakerState): void;
  rateLimitRejected(limit: RateLimitClass): void;
  rateLimitStoreFailed(limit: RateLimitClass, outcome: StoreFailureOutcome): void;
}

/**
 * Registers the gateway's metrics on `registry`, once at boot; each method is then one label
 * lookup and an increment or a set:
 *
 * - `breaker_state{upstream}`: see BREAKER_STATE_VALUES; the CircuitBreakerOpen alert reads it;
 * - `rate_limit_rejections_total{limit}`: requests answered 429, by limit (`standard`, `auth`);
 * - `rate_limit_store_failures_total{limit, outcome}`: requests that found the Redis counter
 *   unavailable, and whether they were let through (`fail_open`) or refused (`fail_closed`).
 */
export function createGatewayMetrics(
  registry: MetricsRegistry,
  upstreams: readonly string[],
): GatewayMetrics {
  const breaker = registry.gauge({
    name: 'breaker_state',
    help: 'Circuit breaker of each upstream: 0 closed, 1 half-open, 2 open.',
    labelNames: ['upstream'],
  });
  const rejections = registry.counter({
    name: 'rate_limit_rejections_total',
    help: 'Requests refused with 429 by the rate limiter, by limit.',
    labelNames: ['limit'],
  });
  const storeFailures = registry.counter({
    name: 'rate_limit_store_failures_total',
    help: 'Requests whose rate-limit counter (Redis) could not be reached, by limit and by whether they were let through (fail_open) or refused (fail_closed).',
    labelNames: ['limit', 'outcome'],
  });
  // Every series exists from the start, so a dashboard shows 0 rather than no data, and an
  // alert on a rate() has a baseline.
  for (const upstream of upstreams) breaker.set({ upstream }, BREAKER_STATE_VALUES.closed);
  for (const limit of ['standard', 'auth'] as const) rejections.inc({ limit }, 0);
  // Each limit has one outage policy (rate-limit.ts): only those pairs can ever count.
  storeFailures.inc({ limit: 'standard', outcome: 'fail_open' }, 0);
  storeFailures.inc({ limit: 'auth', outcome: 'fail_closed' }, 0);
  return {
    breakerState(upstream, state) {
      breaker.set({ upstream }, BREAKER_STATE_VALUES[state]);
    },
    rateLimitRejected(limit) {
      rejections.inc({ limit });
    },
    rateLimitStoreFailed(limit, outcome) {
      storeFailures.inc({ limit, outcome });
    },
  };
}
