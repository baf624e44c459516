import { createHash } from 'node:crypto';

/** How long a retry with the same Idempotency-Key gets the first response back. */
export const IDEMPOTENCY_KEY_TTL_MS = 24 * 60 * 60 * 1000;

/** The response a request got, kept so that a retry with the same key gets it again. */
export interface StoredResponse {
  readonly statusCode: number;
  readonly body: unknown;
  readonly location?: string | undefined;
}

/**
 * What identifies a request for its Idempotency-Key: who sent it and what it asked for. Object
 * keys are sorted first, so the same JSON body sent with its fields in another order matches.
 */
export function requestFingerprint(caller: string, request: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify([caller, sortKeys(request)]))
    .digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, inner]) => [key, sortKeys(inner)]),
    );
  }
  return value;
}
