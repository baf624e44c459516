/** What `startTelemetry` started, to flush and stop it. */
export interface Telemetry {
  /** True when a tracer provider was registered: an endpoint or a span exporter was given. */
  readonly tracing: boolean;
  /** Exports the spans still buffered. */
  flush(): Promise<void>;
  /** Flushes, then unregisters the tracer provider, propagator, context manager and patches. */
  shutdown(): Promise<void>;
}
