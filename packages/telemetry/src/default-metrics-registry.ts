import { createMetricsRegistry, type MetricsRegistry } from './metrics-registry.ts';
import { recordRedisCommandDurations } from './redis-metrics.ts';

let processRegistry: MetricsRegistry | undefined;

/**
 * The process's registry, created on first use: the service kit serves it at `/metrics`, and
 * every package registers its metrics on it. It starts with the process metrics and the latency
 * of every Redis command the process sends (`redis_client_command_duration_seconds`, see
 * `recordRedisCommandDurations`); `@groundwork/db` adds the pool usage of each database client.
 * Code that takes a registry as an option (the kit's `metrics`) defaults to this one, so tests
 * can pass their own instead.
 *
 * @example
 * defaultMetricsRegistry().gauge({
 *   name: 'breaker_state',
 *   help: 'Circuit breaker state per upstream: 0 closed, 1 half-open, 2 open.',
 *   labelNames: ['upstream'],
 * }).set({ upstream: 'orders' }, 2);
 */
export function defaultMetricsRegistry(): MetricsRegistry {
  if (processRegistry === undefined) {
    processRegistry = createMetricsRegistry();
    recordRedisCommandDurations(processRegistry);
  }
  return processRegistry;
}
