import { isSpanContextValid, trace } from '@opentelemetry/api';

/**
 * The ids of the active span, `{ traceId, spanId }`, or nothing outside a span. A pino mixin: it
 * runs for every line, so a line written while handling a request or a job names its trace.
 * With tracing off the OpenTelemetry API is a no-op and this returns an empty object.
 *
 * Returns a fresh object each time: pino merges the line's own fields into it.
 */
export function traceFields(): { traceId?: string; spanId?: string } {
  const span = trace.getActiveSpan();
  if (span === undefined) return {};
  const spanContext = span.spanContext();
  // A span that is not sampled still has real ids, shared with the other services of the
  // request: logs stay joinable even for the traces that were not kept.
  if (!isSpanContextValid(spanContext)) return {};
  return { traceId: spanContext.traceId, spanId: spanContext.spanId };
}
