import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inSessionStore } from './session-store-errors.ts';

export interface ThrottleSubject {
  /** The email as typed; counted case-insensitively. */
  readonly email: string;
  readonly ip: string;
}

export interface LoginThrottleOptions {
  /** Failures allowed per window; the next attempt is refused. Default 10. */
  readonly maxFailures: number;
  /** Seconds from the first failure of a window. Default 900 (15 minutes). */
  readonly windowSeconds: number;
}

export interface LoginThrottle {
  /** Seconds until an attempt is allowed again, or null when it is allowed now. */
  blockedFor(subject: ThrottleSubject): Promise<number | null>;
  recordFailure(subject: ThrottleSubject): Promise<void>;
  /** A correct password clears the account's count (the IP's stays: it may be spraying). */
  recordSuccess(subject: ThrottleSubject): Promise<void>;
}

// Counts a failure on both keys, starting each window at its first failure, atomically: two
// instances failing at once can neither lose a count nor leave a counter without expiry.
const RECORD_FAILURE = `
for i = 1, #KEYS do
  redis.call('INCR', KEYS[i])
  redis.call('PEXPIRE', KEYS[i], ARGV[1], 'NX')
end
return 1`;

// Both counters and their remaining time in one round trip.
const READ_COUNTERS = `
local result = {}
for i = 1, #KEYS do
  result[#result + 1] = tonumber(redis.call('GET', KEYS[i]) or '0')
  result[#result + 1] = redis.call('PTTL', KEYS[i])
end
return result`;

/**
 * Sign-in throttling shared by every identity instance through Redis: per account (so a slow
 * distributed guess at one password is stopped) and per IP (so one address spraying many
 * accounts is stopped). After `maxFailures` failures within `windowSeconds` of the first, the
 * account or IP is refused until that window ends.
 */
export function createLoginThrottle(redis: Redis, options: LoginThrottleOptions): LoginThrottle {
  const keysOf = (subject: ThrottleSubject) => [
    // Hashed: the counter keys then hold no email address.
    `identity:login-failures:account:${createHash('sha256').update(subject.email.trim().toLowerCase()).digest('base64url')}`,
    `identity:login-failures:ip:${subject.ip}`,
  ];
  return {
    blockedFor: (subject) =>
      inSessionStore(async () => {
        const keys = keysOf(subject);
        const values = (await redis.eval(READ_COUNTERS, keys.length, ...keys)) as number[];
        let waitMs = 0;
        for (let i = 0; i < values.length; i += 2) {
          const count = values[i] ?? 0;
          const ttl = values[i + 1] ?? -2;
          if (count >= options.maxFailures) {
            waitMs = Math.max(waitMs, ttl > 0 ? ttl : options.windowSeconds * 1000);
          }
        }
        return waitMs > 0 ? Math.ceil(waitMs / 1000) : null;
      }),
    recordFailure: (subject) =>
      inSessionStore(async () => {
        const keys = keysOf(subject);
        await redis.eval(
          RECORD_FAILURE,
          keys.length,
          ...keys,
          String(options.windowSeconds * 1000),
        );
      }),
    recordSuccess: (subject) =>
      inSessionStore(async () => {
        const [accountKey] = keysOf(subject);
        if (accountKey) await redis.del(accountKey);
      }),
  };
}
