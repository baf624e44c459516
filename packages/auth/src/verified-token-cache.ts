import { hash } from 'node:crypto';
import type { Principal } from './principal.ts';

export interface VerifiedTokenCacheOptions {
  /** Most tokens remembered; the least recently used is dropped first. 0 turns the cache off. */
  readonly maxEntries: number;
}

/**
 * Principals of tokens that passed verification, by the SHA-256 of the token. Times are
 * milliseconds since the epoch, passed in by the verifier so that the cache and the signature
 * checks read one clock.
 */
export interface VerifiedTokenCache {
  /** The principal of `token` if it was verified before and its `exp` is still ahead of `nowMs`. */
  get(token: string, nowMs: number): Principal | undefined;
  /** Remembers a verified token until its `exp`; an already expired one is not kept. */
  remember(token: string, principal: Principal, nowMs: number): void;
  /** Tokens held right now, expired ones not yet dropped included. */
  readonly size: number;
}

const OFF: VerifiedTokenCache = { get: () => undefined, remember: () => {}, size: 0 };

/**
 * A bounded LRU of verified tokens, as Envoy's jwt_authn keeps: a client's second request costs a
 * SHA-256 instead of an ES256 verification (several times the cost of a whole hello-world
 * request). Pass it to `verifyAccessToken` as `cache`; `authenticate` builds one per scope.
 *
 * - Only successes are kept, so a flood of forged tokens cannot fill it or evict real ones.
 * - An entry ends at the token's `exp` exactly, never later (the verifier's clock tolerance is
 *   not stretched by the cache).
 * - Keys are digests, so a heap dump holds no usable bearer token.
 * - A token stays accepted until it expires even if its key leaves the JWKS meanwhile; revocation
 *   is still asked on every request (`verifyAccessToken` does), and access tokens live at most
 *   15 minutes.
 *
 * One cache serves one verifier: a token verified for one issuer or audience must not be taken as
 * verified by another.
 *
 * @example
 * const cache = createVerifiedTokenCache({ maxEntries: 10_000 });
 * const principal = await verifyAccessToken(token, { keys, issuer, cache });
 */
export function createVerifiedTokenCache(options: VerifiedTokenCacheOptions): VerifiedTokenCache {
  const { maxEntries } = options;
  if (!Number.isInteger(maxEntries) || maxEntries < 0) {
    throw new TypeError(
      `createVerifiedTokenCache: maxEntries must be a non-negative integer (got ${maxEntries})`,
    );
  }
  if (maxEntries === 0) return OFF;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used
  // entry first, where eviction finds it in O(1).
  const entries = new Map<string, Principal>();
  const keyOf = (token: string) => hash('sha256', token, 'base64url');

  return {
    get(token, nowMs) {
      const key = keyOf(token);
      const principal = entries.get(key);
      if (principal === undefined) return undefined;
      entries.delete(key);
      if (principal.exp * 1000 <= nowMs) return undefined;
      entries.set(key, principal);
      return principal;
    },
    remember(token, principal, nowMs) {
      if (principal.exp * 1000 <= nowMs) return;
      const key = keyOf(token);
      entries.delete(key);
      if (entries.size >= maxEntries) {
        const leastRecent = entries.keys().next().value;
        if (leastRecent !== undefined) entries.delete(leastRecent);
      }
      entries.set(key, principal);
    },
    get size() {
      return entries.size;
    },
  };
}
