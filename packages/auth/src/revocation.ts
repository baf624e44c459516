import type { Principal } from './principal.ts';
import { invalidToken, TokenRefusal } from './token-refusal.ts';

/** Decides whether a verified token has been revoked before its expiry. */
export type RevocationCheck = (principal: Principal) => boolean | Promise<boolean>;

/**
 * Where revoked token ids live in Redis, shared by the issuer that writes them and every verifier
 * that reads them: one key per revoked `jti`, expiring with the token it names.
 */
export const REVOKED_TOKEN_KEY_PREFIX = 'auth:revoked:jti:';

/**
 * The Redis key that marks the token `jti` as revoked.
 *
 * @example
 * await redis.set(revokedTokenKey(principal.jti), '1', 'PXAT', principal.exp * 1000 + 30_000);
 */
export function revokedTokenKey(jti: string): string {
  return `${REVOKED_TOKEN_KEY_PREFIX}${jti}`;
}

/** The one Redis command the check needs; an ioredis client satisfies it. */
export interface RevocationStore {
  exists(key: string): Promise<number>;
}

export interface RevocationCheckOptions {
  /**
   * What an unreachable deny-list means. `refuse` (the default) fails closed: right for the
   * issuer and for any verifier that is the last line. `allow` lets the token through: for a
   * layer that another one backs, or a service that must keep answering when Redis is down.
   */
  readonly whenUnavailable?: 'refuse' | 'allow';
}

/**
 * An `isRevoked` for `verifyAccessToken` and `authenticate`: one `EXISTS` per verified token,
 * O(1) and a single round trip. By default a Redis error rejects, so verification fails closed.
 *
 * @example
 * await app.register(authenticate, { keys, issuer, isRevoked: redisRevocationCheck(redis) });
 */
export function redisRevocationCheck(
  store: RevocationStore,
  options: RevocationCheckOptions = {},
): RevocationCheck {
  const isRevoked = async (principal: Principal) =>
    (await store.exists(revokedTokenKey(principal.jti))) > 0;
  if (options.whenUnavailable !== 'allow') return isRevoked;
  return async (principal) => {
    try {
      return await isRevoked(principal);
    } catch {
      return false;
    }
  };
}

/**
 * Returns the principal unless `isRevoked` says its token was revoked, in which case it throws the
 * same AUTH_TOKEN_INVALID as any refusal (reason `revoked`). `verifyAccessToken` ends with it; a
 * verifier that remembers verified tokens calls it on every reuse.
 *
 * @example
 * const principal = await refuseIfRevoked(cached, redisRevocationCheck(redis));
 */
export async function refuseIfRevoked(
  principal: Principal,
  isRevoked: RevocationCheck | undefined,
): Promise<Principal> {
  if (isRevoked !== undefined && (await isRevoked(principal))) {
    throw invalidToken(new TokenRefusal('revoked', `Token ${principal.jti} has been revoked`));
  }
  return principal;
}
