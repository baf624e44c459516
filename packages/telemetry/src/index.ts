export { defaultMetricsRegistry } from './default-metrics-registry.ts';
export { flushSpans } from './flush-spans.ts';
export {
  HTTP_DURATION_BUCKETS,
  type HttpServerMetrics,
  httpServerMetrics,
} from './http-metrics.ts';
export { setHttpRoute } from './http-route.ts';
export {
  activeTraceparent,
  type ReceivedTracedJob,
  type TracedJob,
  type TraceEnqueueOptions,
  traceEnqueue,
  traceJob,
} from './job-spans.ts';
export {
  createMetricsRegistry,
  type HistogramSpec,
  type MetricSpec,
  type MetricsRegistry,
  type MetricsRegistryOptions,
  type Report,
} from './metrics-registry.ts';
export {
  REDIS_COMMAND_DURATION_BUCKETS,
  recordRedisCommandDurations,
} from './redis-metrics.ts';
export { startTelemetry, type TelemetryOptions } from './start-telemetry.ts';
export type { Telemetry } from './telemetry.ts';
export {
  type TelemetryConfig,
  type TelemetryConfigOptions,
  telemetryConfigFromEnv,
} from './telemetry-config.ts';
