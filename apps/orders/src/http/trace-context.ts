import { activeTraceparent } from '@groundwork/telemetry';

const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * The `traceparent` an outbox event carries, so the worker's publish continues this request's
 * trace: the active span's when tracing is on, else the caller's `traceparent` header if it is valid (an invalid
 * one is ignored, as the Trace Context specification asks).
 */
export function traceparentOf(traceparent: string | string[] | undefined): string | undefined {
  const active = activeTraceparent();
  if (active !== undefined) return active;
  return typeof traceparent === 'string' && TRACEPARENT.test(traceparent) ? traceparent : undefined;
}
