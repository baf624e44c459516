export interface RetryBudgetOptions {
  /** Retries may add at most this share of the calls: 0.2 lets 100 calls make 20 retries. */
  readonly ratio: number;
  /** Retries allowed per second whatever the traffic, so a quiet upstream can still retry. */
  readonly minPerSecond: number;
  /** The window both counts cover. Default 10 s. */
  readonly windowMs?: number;
  readonly now?: () => number;
}

export interface RetryBudget {
  /** Counts a call to the upstream (a first attempt, not a retry). */
  recordCall(): void;
  /** True while one more retry stays within the budget. */
  canRetry(): boolean;
  /** Counts a retry that is about to be sent. */
  recordRetry(): void;
}

const BUCKETS = 10;

/**
 * Caps retries as a share of the traffic, as Finagle and Envoy do. A per-call attempt limit alone
 * lets every caller retry at once when an upstream struggles, multiplying its load by the number
 * of attempts exactly when it can least take it; with a budget the extra load stays under
 * `ratio` plus a small floor. Counts live in ten buckets spanning `windowMs`, so old traffic
 * ages out instead of piling up credit for a later retry storm.
 */
export function createRetryBudget(options: RetryBudgetOptions): RetryBudget {
  const windowMs = options.windowMs ?? 10_000;
  const bucketMs = windowMs / BUCKETS;
  const floor = options.minPerSecond * (windowMs / 1000);
  const now = options.now ?? Date.now;
  const calls = new Array<number>(BUCKETS).fill(0);
  const retries = new Array<number>(BUCKETS).fill(0);
  let callTotal = 0;
  let retryTotal = 0;
  let index = 0;
  let bucketStart = now();

  /** Moves to the bucket for the current time, emptying the ones that have aged out. */
  function advance(): void {
    const elapsed = Math.floor((now() - bucketStart) / bucketMs);
    if (elapsed <= 0) return;
    for (let step = 0; step < Math.min(elapsed, BUCKETS); step += 1) {
      index = (index + 1) % BUCKETS;
      callTotal -= calls[index] ?? 0;
      retryTotal -= retries[index] ?? 0;
      calls[index] = 0;
      retries[index] = 0;
    }
    bucketStart += elapsed * bucketMs;
  }

  return {
    recordCall() {
      advance();
      calls[index] = (calls[index] ?? 0) + 1;
      callTotal += 1;
    },
    canRetry() {
      advance();
      return retryTotal < options.ratio * callTotal + floor;
    },
    recordRetry() {
      advance();
      retries[index] = (retries[index] ?? 0) + 1;
      retryTotal += 1;
    },
  };
}
