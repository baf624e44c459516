import { type RevocationCheck, redisRevocationCheck, revokedTokenKey } from '@groundwork/auth';
import type { Redis } from 'ioredis';
import type { LiveAccessToken } from './session-repository.ts';
import { inSessionStore } from './session-store-errors.ts';

export interface RevocationList {
  /** Denies each token until it would have expired anyway (plus verifiers' clock tolerance). */
  revoke(tokens: readonly LiveAccessToken[]): Promise<void>;
  /** For `authenticate`: one EXISTS per request; a Redis failure is a 503, not a pass. */
  readonly isRevoked: RevocationCheck;
}

/**
 * The access-token deny-list in Redis, under the key scheme of @groundwork/auth
 * (`revokedTokenKey(jti)`), so the gateway and every service consult the same keys with
 * `redisRevocationCheck`. Entries expire with their tokens: the list never outgrows the set of
 * live revoked tokens.
 */
export function createRevocationList(
  redis: Redis,
  options: { readonly clockToleranceSeconds: number },
): RevocationList {
  const check = redisRevocationCheck(redis);
  return {
    async revoke(tokens) {
      if (tokens.length === 0) return;
      const pipeline = redis.pipeline();
      for (const token of tokens) {
        const until = token.expiresAt.getTime() + options.clockToleranceSeconds * 1000;
        pipeline.set(revokedTokenKey(token.jti), '1', 'PXAT', until);
      }
      await inSessionStore(async () => {
        const results = (await pipeline.exec()) ?? [];
        const failed = results.find(([error]) => error !== null);
        if (failed) throw failed[0];
      });
    },
    isRevoked: (principal) => inSessionStore(async () => check(principal)),
  };
}
