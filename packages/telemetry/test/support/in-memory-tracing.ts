import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { startTelemetry } from '../../src/start-telemetry.ts';
import type { Telemetry } from '../../src/telemetry.ts';

export interface InMemoryTracing {
  /** Spans ended so far in the current test. */
  spans(): ReadableSpan[];
}

/**
 * Starts telemetry for the test file with the SDK's in-memory exporter (no collector), clears
 * the recorded spans after each test, and shuts telemetry down after the file.
 */
export function useInMemoryTracing(serviceName = 'telemetry-test'): InMemoryTracing {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry | undefined;
  beforeAll(async () => {
    telemetry = await startTelemetry({ serviceName, spanExporter: exporter });
  });
  afterEach(() => exporter.reset());
  afterAll(async () => {
    await telemetry?.shutdown();
  });
  return { spans: () => exporter.getFinishedSpans() };
}
