import {
  defaultMetricsRegistry,
  flushSpans,
  httpServerMetrics,
  type MetricsRegistry,
  setHttpRoute,
} from '@groundwork/telemetry';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { letThrough } from './load-shedding.ts';

export interface TelemetryPluginOptions {
  /** Registry served at `/metrics`; default the process's `defaultMetricsRegistry()`. */
  metrics?: MetricsRegistry | undefined;
}

/** Route label of requests that matched no route: their raw URLs would make unbounded series. */
const UNMATCHED = 'unmatched';

const observe: FastifyPluginAsync<TelemetryPluginOptions> = async (app, options) => {
  const registry = options.metrics ?? defaultMetricsRegistry();
  const http = httpServerMetrics(registry);

  // Callback hooks rather than async ones: they run on every request and need no promise.
  app.addHook('onRequest', (request, _reply, done) => {
    // Names the http server span `GET /v1/orders/:id` while it is still open; a no-op when
    // tracing is off.
    const route = request.routeOptions.url;
    if (route !== undefined) setHttpRoute(route);
    done();
  });
  app.addHook('onResponse', (request, reply, done) => {
    http.record(
      request.method,
      request.routeOptions.url ?? UNMATCHED,
      reply.statusCode,
      reply.elapsedTime / 1000,
    );
    done();
  });
  // The process exits right after the shutdown; spans still buffered would be lost.
  app.addHook('onClose', async () => {
    await flushSpans();
  });

  app.get(
    '/metrics',
    {
      // A scrape every few seconds would fill the logs; a failing one still logs its error.
      logLevel: 'warn',
      // An overloaded service is exactly when its metrics matter.
      config: { pressureHandler: letThrough },
      schema: { hide: true },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );
};

/**
 * Observability of every service: `GET /metrics` in the Prometheus text format (the registry's
 * metrics, the process metrics and the RED histogram `http_server_request_duration_seconds` by
 * method, route pattern and status), the route pattern on the http server span, and a final
 * span flush when the service closes.
 *
 * `/metrics` is meant for Prometheus inside the cluster: keep it off the public ingress.
 */
export const telemetry = fp(observe, {
  name: '@groundwork/service-kit/telemetry',
  fastify: '5.x',
});
