import type { SpanExporter } from '@opentelemetry/sdk-trace';
import type { Telemetry } from './telemetry.ts';

export interface TelemetryOptions {
  readonly serviceName: string;
  readonly serviceVersion?: string;
  readonly environment?: string;
  /** OTLP/HTTP base URL; spans are batched and sent to `<endpoint>/v1/traces`. */
  readonly otlpEndpoint?: string | undefined;
  /** Share of new traces recorded (parent-based ratio sampling). Default 1. */
  readonly samplingRatio?: number;
  /** Turns tracing off whatever else is set (`OTEL_SDK_DISABLED`). */
  readonly disabled?: boolean;
  /**
   * Receives every ended span at once, unbatched. For tests: pass the SDK's
   * `InMemorySpanExporter` to read spans in-process without a collector.
   */
  readonly spanExporter?: SpanExporter;
}

const OFF: Telemetry = {
  tracing: false,
  flush: async () => {},
  shutdown: async () => {},
};

/**
 * Starts tracing: a tracer provider with the service's resource attributes and parent-based
 * ratio sampling, W3C trace-context propagation, and the instrumentations Groundwork chose
 * (incoming and outgoing http, undici/fetch, pg, ioredis). Call it before the modules it
 * instruments are loaded; the `@groundwork/telemetry/register` entry does so for apps.
 *
 * With no endpoint and no exporter it registers nothing and loads none of the SDK: the
 * OpenTelemetry API then stays in its no-op mode, which costs a few property reads per call.
 *
 * @throws {Error} when a tracer provider is already registered in this process.
 * @example
 * const telemetry = await startTelemetry({
 *   serviceName: 'orders',
 *   otlpEndpoint: 'http://otel-collector:4318',
 *   samplingRatio: 0.1,
 * });
 * // at shutdown
 * await telemetry.shutdown();
 */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  const wanted = options.otlpEndpoint !== undefined || options.spanExporter !== undefined;
  if (options.disabled === true || !wanted) return OFF;
  const ratio = options.samplingRatio ?? 1;
  if (!(ratio >= 0 && ratio <= 1)) {
    throw new RangeError(`startTelemetry: samplingRatio must be within 0..1 (got ${ratio})`);
  }
  // Loaded only now, so that a process without tracing never pays for loading the SDK.
  const { startTracing } = await import('./tracing.ts');
  return startTracing({
    serviceName: options.serviceName,
    serviceVersion: options.serviceVersion ?? '0.0.0',
    environment: options.environment ?? 'development',
    otlpEndpoint: options.otlpEndpoint,
    samplingRatio: ratio,
    spanExporter: options.spanExporter,
  });
}
