import type { Logger } from '@groundwork/logger';
import type { Redis } from 'ioredis';
import { cacheErrors } from './cache-errors.ts';

/** What a guarded Redis operation gave: its value, or why there is none. */
export type Guarded<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly outcome: 'skipped' | 'failed' };

export interface RedisGuardOptions {
  readonly redis: Redis;
  readonly logger: Logger;
  /** Longest wait for one operation, whatever the client's own `commandTimeout` says. */
  readonly timeoutMs: number;
  /** Failures in a row that open the breaker. */
  readonly failureThreshold: number;
  /** How long an open breaker skips Redis before one operation tries it again. */
  readonly cooldownMs: number;
  readonly now?: () => number;
}

/** Runs Redis operations so that none fails, and none waits on a Redis that is known to be down. */
export interface RedisGuard {
  run<T>(operation: string, command: () => Promise<T>): Promise<Guarded<T>>;
  /**
   * Closes the breaker: the client has just connected, which proves Redis answers. Without it, the
   * failures of a dropped connection would keep a restarted Redis unused for the whole cooldown.
   */
  connected(): void;
}

const SKIPPED = { ok: false, outcome: 'skipped' } as const;
const FAILED = { ok: false, outcome: 'failed' } as const;

/**
 * Skips Redis while its connection is not ready (ioredis knows at once when a socket drops) and,
 * after `failureThreshold` failures in a row, for `cooldownMs`: a server that hangs keeps its
 * socket open, and without the breaker every read would wait out a full timeout. The outage is
 * logged when it starts and when it ends, not once per request.
 */
export function createRedisGuard(options: RedisGuardOptions): RedisGuard {
  const { redis, logger, timeoutMs, failureThreshold, cooldownMs } = options;
  const now = options.now ?? Date.now;
  let failuresInARow = 0;
  let openUntil = 0;
  let outage: { failed: number; skipped: number } | undefined;

  function beginOutage(details: Record<string, unknown>, message: string): void {
    if (outage === undefined) {
      outage = { failed: 0, skipped: 0 };
      logger.warn(details, message);
    } else {
      logger.debug(details, message);
    }
  }

  function skipReason(): string | undefined {
    if (redis.status !== 'ready') return `connection ${redis.status}`;
    if (now() < openUntil) return 'breaker open';
    return undefined;
  }

  return {
    async run(operation, command) {
      const reason = skipReason();
      if (reason !== undefined) {
        beginOutage({ operation, reason }, 'cache: Redis skipped; reads go to the loader');
        if (outage !== undefined) outage.skipped += 1;
        return SKIPPED;
      }
      try {
        const value = await withTimeout(command(), timeoutMs, operation);
        if (outage !== undefined) logger.info(outage, 'cache: Redis answers again');
        outage = undefined;
        failuresInARow = 0;
        return { ok: true, value };
      } catch (error) {
        failuresInARow += 1;
        beginOutage({ operation, err: error }, 'cache: Redis failed; reads go to the loader');
        if (outage !== undefined) outage.failed += 1;
        if (failuresInARow >= failureThreshold) {
          // Re-opens at once after a failed trial operation: failuresInARow stays over the threshold.
          openUntil = now() + cooldownMs;
          logger.debug({ failuresInARow, cooldownMs }, 'cache: Redis breaker open');
        }
        return FAILED;
      }
    },
    connected() {
      failuresInARow = 0;
      openUntil = 0;
    },
  };
}

function withTimeout<T>(command: Promise<T>, timeoutMs: number, operation: string): Promise<T> {
  // A reply that arrives after the timeout must not surface as an unhandled rejection.
  command.catch(() => {});
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          cacheErrors.CACHE_REDIS_TIMEOUT.create(
            `Redis ${operation} took longer than ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
  });
  return Promise.race([command, timeout]).finally(() => clearTimeout(timer));
}
