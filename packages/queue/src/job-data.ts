/**
 * What a job carries in Redis: the payload, and the W3C trace context of the code that enqueued
 * it, so that one trace spans request → outbox → job. The payload stays apart from the envelope,
 * so schemas describe the business data only.
 */
export interface JobEnvelope {
  readonly payload: unknown;
  readonly traceparent?: string;
}

// version-traceid-parentid-flags; all-zero trace or parent ids are invalid (W3C Trace Context §3.2).
const TRACEPARENT = /^[0-9a-f]{2}-(?!0{32})[0-9a-f]{32}-(?!0{16})[0-9a-f]{16}-[0-9a-f]{2}$/;

/**
 * True for a well-formed W3C `traceparent` header value.
 *
 * @example
 * isTraceparent('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'); // true
 */
export function isTraceparent(value: unknown): value is string {
  return typeof value === 'string' && TRACEPARENT.test(value) && !value.startsWith('ff');
}

export function toEnvelope(payload: unknown, traceparent: string | undefined): JobEnvelope {
  return traceparent === undefined ? { payload } : { payload, traceparent };
}

/**
 * Reads a job's data as an envelope. Data that is not one (written by other code, or by an older
 * version) yields `undefined`, which the worker dead-letters as invalid.
 */
export function fromEnvelope(data: unknown): JobEnvelope | undefined {
  if (typeof data !== 'object' || data === null || !('payload' in data)) return undefined;
  const { payload, traceparent } = data as { payload: unknown; traceparent?: unknown };
  // A malformed trace context is dropped, as W3C asks receivers to do, and never fails the job.
  return isTraceparent(traceparent) ? { payload, traceparent } : { payload };
}
