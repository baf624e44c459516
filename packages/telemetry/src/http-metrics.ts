import type { MetricsRegistry } from './metrics-registry.ts';

/**
 * Bucket bounds, in seconds, of the request duration histogram: fine below 100 ms where an
 * API's SLO lives (p99 < 300 ms, see TODO_backend-architect.md), coarse up to the 10 s timeouts.
 */
export const HTTP_DURATION_BUCKETS: readonly number[] = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 2.5, 5, 10,
];

/** The RED metrics of an HTTP server: one histogram gives rate, errors and duration. */
export interface HttpServerMetrics {
  /**
   * Records one answered request. `route` is the matched route pattern (`/v1/orders/:id`), or
   * `unmatched`: never the raw URL, whose ids would make a series per resource.
   */
  record(method: string, route: string, statusCode: number, durationSeconds: number): void;
}

/**
 * The RED instruments of a service, on `registry`, as one histogram
 * `http_server_request_duration_seconds{method, route, status_code}`:
 *
 * - rate: `sum by (route) (rate(http_server_request_duration_seconds_count[5m]))`
 * - errors: the same with `status_code=~"5.."`, divided by the rate
 * - duration: `histogram_quantile(0.99, sum by (le, route) (rate(..._bucket[5m])))`
 *
 * @example
 * const http = httpServerMetrics(defaultMetricsRegistry());
 * http.record('GET', '/v1/orders/:id', 200, 0.012);
 */
export function httpServerMetrics(registry: MetricsRegistry): HttpServerMetrics {
  const duration = registry.histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of answered HTTP requests, by method, route pattern and status code.',
    labelNames: ['method', 'route', 'status_code'],
    buckets: HTTP_DURATION_BUCKETS,
  });
  return {
    record(method, route, statusCode, durationSeconds) {
      duration.observe({ method, route, status_code: statusCode }, durationSeconds);
    },
  };
}
