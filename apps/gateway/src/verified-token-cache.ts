import { hash } from 'node:crypto';
import type { Principal } from '@groundwork/auth';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the oldest is dropped first. 0 turns the cache off. */
  readonly maxEntries: number;
  readonly now?: () => number;
}

export interface VerifiedTokenCache {
  /** The principal of a token verified before and not yet expired. */
  get(token: string): Principal | undefined;
  remember(token: string, principal: Principal): void;
}

/**
 * Remembers tokens that passed verification until their `exp`, as Envoy's jwt_authn does, so a
 * client's second request costs a hash instead of an ES256 verification (several times the cost
 * of the rest of the hop). Only successes are kept: a flood of forged tokens cannot fill it.
 *
 * Keys are SHA-256 digests, so a heap dump of the gateway holds no usable bearer token. A token
 * stays accepted here until it expires even if its key is pulled from the JWKS; the services
 * verify again, and access tokens live at most 15 minutes.
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions): VerifiedTokenCache {
  const now = options.now ?? Date.now;
  const entries = new Map<string, Principal>();
  if (options.maxEntries === 0) return { get: () => undefined, remember: () => {} };

  return {
    get(token) {
      const key = hash('sha256', token, 'base64url');
      const principal = entries.get(key);
      if (principal === undefined) return undefined;
      if (principal.exp * 1000 > now()) return principal;
      entries.delete(key);
      return undefined;
    },
    remember(token, principal) {
      if (entries.size >= options.maxEntries) {
        // Map keeps insertion order: the first key is the oldest, and so the soonest to expire.
        const oldest = entries.keys().next().value;
        if (oldest !== undefined) entries.delete(oldest);
      }
      entries.set(hash('sha256', token, 'base64url'), principal);
    },
  };
}
