import type { AppError } from '@groundwork/errors';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  CircuitState,
  ConsecutiveBreaker,
  circuitBreaker,
  ExponentialBackoff,
  handleWhen,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
} from 'cockatiel';
import type { FastifyBaseLogger } from 'fastify';
import { gatewayErrors } from './gateway-errors.ts';
import type { RetryBudget } from './retry-budget.ts';

/**
 * Why a call got no usable response: `connect` (no connection: refused, DNS, connect timeout),
 * `reset` (the connection dropped mid-exchange), `timeout` (no answer before the deadline),
 * `protocol` (an answer that is not valid HTTP).
 */
export type FailureKind = 'connect' | 'reset' | 'timeout' | 'protocol';

/** An upstream call that failed below HTTP. Proxy code translates transport errors into it. */
export class UpstreamFailure extends Error {
  readonly kind: FailureKind;

  constructor(kind: FailureKind, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UpstreamFailure';
    this.kind = kind;
  }
}

/**
 * The client hung up before the upstream answered. Not the upstream's fault: the breaker does not
 * count it, no retry follows, and the call's bulkhead slot is freed at once instead of at the
 * deadline. (Counted as an upstream timeout, one load generator closing its 50 connections
 * opened the breaker for every caller: the bench's 503s on /v1/users/me.)
 */
export class ClientClosedRequest extends Error {
  constructor() {
    super('The client closed the connection before the upstream answered');
    this.name = 'ClientClosedRequest';
  }
}

/** What an attempt resolves with: an HTTP response whose body has not been read yet. */
export interface UpstreamResponse {
  readonly statusCode: number;
  /** Read to its end and dropped when a retry replaces the response. */
  readonly stream: { resume(): unknown };
}

/** One try at the upstream; `signal` aborts when the call's deadline has passed. */
export type Attempt<T extends UpstreamResponse> = (signal: AbortSignal) => Promise<T>;

export type BreakerState = 'closed' | 'open' | 'half-open' | 'isolated';

export interface ResilienceOptions {
  /** Deadline of the whole call, retries and backoff included. */
  readonly timeoutMs: number;
  readonly maxRetries: number;
  readonly retryDelayMs: number;
  readonly retryBudget: RetryBudget;
  readonly consecutiveFailures: number;
  readonly halfOpenAfterMs: number;
  readonly maxConcurrency: number;
  readonly logger: FastifyBaseLogger;
  /** Told of every breaker state change, after it is logged: the `breaker_state` gauge. */
  readonly onBreakerStateChange?: (state: BreakerState) => void;
}

export interface UpstreamResilience {
  readonly name: string;
  readonly breakerState: BreakerState;
  /**
   * Runs `attempt` under the upstream's policies and resolves with its response, 5xx included
   * (a service's own error passes through to the client). Rejects with a gateway AppError:
   * GATEWAY_UPSTREAM_CIRCUIT_OPEN or GATEWAY_UPSTREAM_BUSY (503), GATEWAY_UPSTREAM_TIMEOUT (504),
   * GATEWAY_BAD_UPSTREAM (502).
   */
  call<T extends UpstreamResponse>(attempt: Attempt<T>, idempotent: boolean): Promise<T>;
}

// Only failures where the request surely did not reach the service, or the service said so
// itself, are worth another try; a timeout is not retried (the deadline covers retries too).
const RETRYABLE_FAILURES: ReadonlySet<FailureKind> = new Set(['connect', 'reset']);
const RETRYABLE_STATUS: ReadonlySet<number> = new Set([502, 503, 504]);

const STATE_NAMES: Readonly<Record<CircuitState, BreakerState>> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/**
 * The policies that keep one failing upstream from taking the gateway down with it, built once
 * per upstream at boot with cockatiel. From the outside in:
 *
 * 1. bulkhead: at most `maxConcurrency` calls in flight; the next one is refused at once (503)
 *    instead of queueing behind a slow upstream;
 * 2. deadline: the call ends at `timeoutMs` (504), whatever is still running below;
 * 3. retry, for idempotent methods only: connection failures and 502/503/504 answers, with
 *    exponential backoff and decorrelated jitter, within the shared retry budget;
 * 4. circuit breaker: `consecutiveFailures` failed attempts (transport failures or 5xx) open it;
 *    while open every call is refused without touching the upstream (503 with Retry-After);
 *    after `halfOpenAfterMs` a single probe goes through, and its outcome closes or reopens it.
 */
export function createUpstreamResilience(
  name: string,
  options: ResilienceOptions,
): UpstreamResilience {
  const { retryBudget: budget, logger } = options;

  const breaker = circuitBreaker(
    handleWhen((error) => error instanceof UpstreamFailure).orWhenResult(
      (response) => (response as UpstreamResponse).statusCode >= 500,
    ),
    {
      halfOpenAfter: options.halfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.consecutiveFailures),
    },
  );
  let openedAt = 0;
  breaker.onStateChange((state) => {
    if (state === CircuitState.Open) openedAt = Date.now();
    const breakerState = STATE_NAMES[state];
    const line = { upstream: name, breaker: breakerState };
    if (state === CircuitState.Closed) logger.info(line, `upstream ${name}: breaker closed`);
    else logger.warn(line, `upstream ${name}: breaker ${breakerState}`);
    options.onBreakerStateChange?.(breakerState);
  });

  const retries = retry(
    handleWhen(
      (error) =>
        error instanceof UpstreamFailure && RETRYABLE_FAILURES.has(error.kind) && budget.canRetry(),
    ).orWhenResult(
      (response) =>
        RETRYABLE_STATUS.has((response as UpstreamResponse).statusCode) && budget.canRetry(),
    ),
    {
      maxAttempts: options.maxRetries,
      backoff: new ExponentialBackoff({
        initialDelay: options.retryDelayMs,
        maxDelay: options.retryDelayMs * 10,
      }),
    },
  );
  retries.onRetry((event) => {
    budget.recordRetry();
    // Drain the failed answer rather than destroy it: its keep-alive connection can then carry
    // the retry instead of a new one being opened.
    if ('value' in event) (event.value as UpstreamResponse).stream.resume();
  });

  const deadline = timeout(options.timeoutMs, {
    strategy: TimeoutStrategy.Aggressive,
    // An attempt removes its abort listener once its answer has arrived, so aborting on return
    // would cancel nothing; it would only build an AbortError (a DOMException, with its stack)
    // on every request: 3 % of the gateway's CPU in a profile of the cached-read bench.
    abortOnReturn: false,
  });
  const slots = bulkhead(options.maxConcurrency, 0);

  function throughBreaker<T extends UpstreamResponse>(
    attempt: Attempt<T>,
    signal: AbortSignal,
  ): Promise<T> {
    // The deadline passed during a backoff: a new attempt could only be cut off again.
    if (signal.aborted) return Promise.reject(new TaskCancelledError());
    // cockatiel queues calls behind the half-open probe; the gateway refuses them at once, so
    // that exactly one request tests the upstream and the others fail fast.
    if (breaker.state === CircuitState.HalfOpen) return Promise.reject(new BrokenCircuitError());
    return breaker.execute(({ signal: attemptSignal }) => attempt(attemptSignal), signal);
  }

  function retryAfterSeconds(): number {
    const remainingMs = openedAt + options.halfOpenAfterMs - Date.now();
    return Math.max(1, Math.ceil(remainingMs / 1000));
  }

  function translate(error: unknown): unknown {
    if (error instanceof TaskCancelledError) {
      return gatewayErrors.GATEWAY_UPSTREAM_TIMEOUT.create(
        `${name} did not answer within ${options.timeoutMs} ms.`,
        { cause: error },
      );
    }
    if (error instanceof BrokenCircuitError) {
      return gatewayErrors.GATEWAY_UPSTREAM_CIRCUIT_OPEN.create(
        `${name} is failing; calls are paused. Retry later.`,
        { cause: error, retryAfterSeconds: retryAfterSeconds() },
      );
    }
    if (error instanceof BulkheadRejectedError) {
      return gatewayErrors.GATEWAY_UPSTREAM_BUSY.create(
        `${name} has ${options.maxConcurrency} calls in flight. Retry shortly.`,
        { cause: error, retryAfterSeconds: 1 },
      );
    }
    if (error instanceof UpstreamFailure) return upstreamFailureError(name, error);
    return error;
  }

  return {
    name,
    get breakerState() {
      return STATE_NAMES[breaker.state];
    },
    async call(attempt, idempotent) {
      budget.recordCall();
      try {
        return await slots.execute(() =>
          deadline.execute(({ signal }) =>
            idempotent
              ? retries.execute(
                  ({ signal: retrySignal }) => throughBreaker(attempt, retrySignal),
                  signal,
                )
              : throughBreaker(attempt, signal),
          ),
        );
      } catch (error) {
        throw translate(error);
      }
    },
  };
}

function upstreamFailureError(name: string, failure: UpstreamFailure): AppError {
  if (failure.kind === 'timeout') {
    return gatewayErrors.GATEWAY_UPSTREAM_TIMEOUT.create(`${name} did not answer in time.`, {
      cause: failure,
    });
  }
  return gatewayErrors.GATEWAY_BAD_UPSTREAM.create(`${name} could not answer the request.`, {
    cause: failure,
  });
}
