import { context, propagation, TraceFlags, trace } from '@opentelemetry/api';
import { describe, expect, test } from 'vitest';
import { activeTraceparent, traceJob } from './job-spans.ts';
import { startTelemetry } from './start-telemetry.ts';

/** Where @opentelemetry/api 1.x keeps what an SDK registered: tracer provider, propagator... */
const API_GLOBALS = Symbol.for('opentelemetry.js.api.1');

function registeredWithTheApi(): string[] {
  const globals = (globalThis as Record<symbol, Record<string, unknown> | undefined>)[API_GLOBALS];
  return Object.keys(globals ?? {}).filter((key) => key !== 'version');
}

describe('startTelemetry without an endpoint', () => {
  test('when no OTLP endpoint and no exporter is configured, then no tracer provider, context manager or propagator is registered', async () => {
    const telemetry = await startTelemetry({ serviceName: 'orders', samplingRatio: 0.5 });

    expect(telemetry.tracing).toBe(false);
    expect(registeredWithTheApi()).toEqual([]);
    // The API is left in its no-op mode: spans do not record, and no context flows through it.
    const span = trace.getTracer('probe').startSpan('probe');
    expect(span.isRecording()).toBe(false);
    const incoming = trace.wrapSpanContext({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    context.with(trace.setSpan(context.active(), incoming), () => {
      expect(trace.getActiveSpan()).toBeUndefined();
      expect(activeTraceparent()).toBeUndefined();
    });
    expect(propagation.fields()).toEqual([]);
    await telemetry.shutdown();
  });

  test('when tracing is off, then a job handler still runs and its result comes back', async () => {
    const result = await traceJob(
      { queue: 'emails', name: 'send', id: 'evt-1', traceparent: undefined },
      async () => 'sent',
    );
    expect(result).toBe('sent');
    expect(registeredWithTheApi()).toEqual([]);
  });

  test('when OTEL_SDK_DISABLED is set, then an endpoint alone does not start tracing', async () => {
    const telemetry = await startTelemetry({
      serviceName: 'orders',
      otlpEndpoint: 'http://127.0.0.1:4318',
      disabled: true,
    });
    expect(telemetry.tracing).toBe(false);
    expect(registeredWithTheApi()).toEqual([]);
  });

  test('when the sampling ratio is outside 0..1, then start-up fails before registering anything', async () => {
    await expect(
      startTelemetry({
        serviceName: 'orders',
        otlpEndpoint: 'http://127.0.0.1:4318',
        samplingRatio: 2,
      }),
    ).rejects.toThrow(RangeError);
    expect(registeredWithTheApi()).toEqual([]);
  });
});
