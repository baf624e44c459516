/**
 * How long to wait before each retry. Delays double from `initialDelayMs` up to `maxDelayMs`, and
 * `jitter` takes a random share off each one, so that jobs which failed together (a dependency
 * went down) do not all retry in the same instant and knock it over again.
 */
export interface BackoffPolicy {
  /** The wait before the first retry. */
  readonly initialDelayMs: number;
  /** No wait is ever longer, however many attempts came before. */
  readonly maxDelayMs: number;
  /**
   * The share of each delay that is random, from 0 (none) to 1 ("full jitter": anywhere between
   * 0 and the delay). The default 0.5 waits between half and all of the exponential delay.
   */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = Object.freeze({
  initialDelayMs: 1_000,
  maxDelayMs: 5 * 60_000,
  jitter: 0.5,
});

/**
 * The name under which workers register {@link backoffDelay} with BullMQ. Producers write it into
 * each job's options; BullMQ then asks the worker's strategy, which reads the job's definition.
 */
export const BACKOFF_STRATEGY = 'groundwork.exponential-jitter';

/**
 * The wait before retry number `retry` (1 for the first retry).
 *
 * @example
 * backoffDelay({ initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 }, 3); // 400
 */
export function backoffDelay(
  policy: BackoffPolicy,
  retry: number,
  random: () => number = Math.random,
): number {
  // 2 ** 1024 is Infinity; capping the exponent keeps the arithmetic finite for any retry count.
  const exponential = policy.initialDelayMs * 2 ** Math.min(Math.max(retry - 1, 0), 52);
  const capped = Math.min(exponential, policy.maxDelayMs);
  return Math.round(capped * (1 - policy.jitter * random()));
}

/** Checks a policy once, when a job is defined, so a typo fails at boot and not at the first retry. */
export function checkBackoffPolicy(policy: BackoffPolicy, where: string): BackoffPolicy {
  const { initialDelayMs, maxDelayMs, jitter } = policy;
  if (!Number.isInteger(initialDelayMs) || initialDelayMs < 0) {
    throw new RangeError(`${where}: backoff.initialDelayMs must be an integer >= 0`);
  }
  if (!Number.isInteger(maxDelayMs) || maxDelayMs < initialDelayMs) {
    throw new RangeError(`${where}: backoff.maxDelayMs must be an integer >= initialDelayMs`);
  }
  if (!(jitter >= 0 && jitter <= 1)) {
    throw new RangeError(`${where}: backoff.jitter must be between 0 and 1`);
  }
  return Object.freeze({ initialDelayMs, maxDelayMs, jitter });
}
