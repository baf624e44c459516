import {
  type CryptoKey,
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWKSCacheInput,
  type JWSHeaderParameters,
  jwksCache,
} from 'jose';

/**
 * Finds the public key that should have signed a token, from its protected header. Only key
 * sets are offered, never a single key or a secret: a key is always chosen by `kid` among keys
 * the issuer published, never taken from the token (`jwk`, `jku`, `x5u` are ignored).
 */
export type KeyResolver = (
  protectedHeader: JWSHeaderParameters,
  token: FlattenedJWSInput,
) => Promise<CryptoKey>;

/** The key set could not be fetched and no usable copy is cached: a 503, not the caller's fault. */
export class KeySetUnavailable extends Error {
  constructor(cause: unknown) {
    super('The JSON Web Key Set is unavailable and no cached copy is usable', { cause });
    this.name = 'KeySetUnavailable';
  }
}

export interface RemoteKeyResolverOptions {
  /** The issuer's JWKS, e.g. `http://identity:3001/.well-known/jwks.json`. */
  readonly url: string | URL;
  /** How long fetched keys are trusted before a refetch. Default 10 minutes. */
  readonly cacheMaxAgeMs?: number;
  /**
   * Least time between two fetches that tokens can trigger (an unknown `kid`, or a retry after
   * the endpoint failed). Bounds what a stream of forged kids costs the issuer. Default 30 s.
   */
  readonly cooldownMs?: number;
  /** Fetch timeout. Default 2 s: a verifier waits at most this long on a stalled issuer. */
  readonly timeoutMs?: number;
  /**
   * While the endpoint fails, the last fetched keys keep verifying for this long after their
   * fetch. Long enough to ride out an identity outage, short enough that a key pulled from the
   * JWKS after a compromise stops working everywhere. Default 24 hours.
   */
  readonly maxStaleMs?: number;
}

/**
 * Keys from the issuer's JWKS endpoint, for services that verify tokens they did not issue.
 * Built on jose's `createRemoteJWKSet` (cache, cooldown, timeout, no redirects); adds
 * stale-if-error: when a refetch fails, the last fetched keys keep verifying (up to
 * `maxStaleMs`), and the endpoint is retried at most once per cooldown, so an identity outage
 * neither fails every request nor makes each one wait for a timeout.
 *
 * @example
 * const keys = createRemoteKeyResolver({ url: config.JWKS_URL });
 * const principal = await verifyAccessToken(token, { keys, issuer: config.TOKEN_ISSUER });
 */
export function createRemoteKeyResolver(options: RemoteKeyResolverOptions): KeyResolver {
  const cacheMaxAgeMs = duration('cacheMaxAgeMs', options.cacheMaxAgeMs, 600_000);
  const cooldownMs = duration('cooldownMs', options.cooldownMs, 30_000);
  const timeoutMs = duration('timeoutMs', options.timeoutMs, 2_000);
  const maxStaleMs = duration('maxStaleMs', options.maxStaleMs, 86_400_000);
  // jose writes the last good key set and its fetch time ("uat") into this object.
  const cache: JWKSCacheInput = {};
  const remote = createRemoteJWKSet(new URL(options.url), {
    cacheMaxAge: cacheMaxAgeMs,
    cooldownDuration: cooldownMs,
    timeoutDuration: timeoutMs,
    [jwksCache]: cache,
  });
  let lastFailure: { at: number; error: unknown } | undefined;
  let stale: { uat: number; resolve: KeyResolver } | undefined;

  function failedRecently(): boolean {
    return lastFailure !== undefined && Date.now() - lastFailure.at < cooldownMs;
  }

  async function refetchUnlessCoolingDown(): Promise<void> {
    if (failedRecently()) return;
    try {
      await remote.reload();
      lastFailure = undefined;
    } catch (error) {
      lastFailure = { at: Date.now(), error };
    }
  }

  function lastKnownKeys(): KeyResolver {
    const fetchedAt = 'uat' in cache ? cache.uat : undefined;
    if (fetchedAt === undefined || Date.now() - fetchedAt > maxStaleMs) {
      throw new KeySetUnavailable(lastFailure?.error);
    }
    if (stale?.uat !== fetchedAt) {
      stale = {
        uat: fetchedAt,
        resolve: createLocalJWKSet((cache as { jwks: JSONWebKeySet }).jwks),
      };
    }
    return stale.resolve;
  }

  return async (protectedHeader, token) => {
    if (!remote.fresh) await refetchUnlessCoolingDown();
    // While the endpoint is failing, even an unknown kid must not trigger another fetch: that
    // would let each forged token cost one request (and one timeout) against a struggling issuer.
    if (!remote.fresh || failedRecently()) return lastKnownKeys()(protectedHeader, token);
    try {
      return await remote(protectedHeader, token);
    } catch (error) {
      if (isKeySelectionError(error)) throw error;
      // An unknown kid made jose refetch, and the refetch failed: the cached keys (fresh) do not
      // have that kid, so the token is refused like any other unknown kid.
      lastFailure = { at: Date.now(), error };
      throw new errors.JWKSNoMatchingKey(undefined, { cause: error });
    }
  };
}

/**
 * Keys the process already holds: the issuer verifying its own tokens, or tests.
 *
 * @example
 * const keys = createLocalKeyResolver(publishedJwks(records, new Date(), policy));
 */
export function createLocalKeyResolver(jwks: JSONWebKeySet): KeyResolver {
  return createLocalJWKSet(jwks);
}

function isKeySelectionError(error: unknown): boolean {
  return (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys ||
    error instanceof errors.JOSENotSupported
  );
}

function duration(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0) {
    throw new TypeError(
      `createRemoteKeyResolver: ${name} must be a non-negative number of ms (got ${value})`,
    );
  }
  return value;
}
