import { inBatches } from './in-batches.ts';

/**
 * The services' stored idempotency keys (the first response to a POST with an
 * `Idempotency-Key`, replayed to retries until it expires), behind a port: each service owns
 * its keys; the worker only decides when to clear the expired ones.
 */
export interface IdempotencyKeys {
  /** Deletes at most `limit` keys that expired before `now`; resolves to how many. */
  purgeExpired(now: Date, limit: number): Promise<number>;
}

/** The scheduled job: deletes every expired idempotency key, a batch at a time. */
export async function purgeIdempotencyKeys(
  deps: { readonly keys: IdempotencyKeys; readonly now: () => Date },
  input: { readonly batchSize: number },
  signal: AbortSignal,
): Promise<number> {
  const now = deps.now();
  return inBatches(input.batchSize, signal, (limit) => deps.keys.purgeExpired(now, limit));
}
