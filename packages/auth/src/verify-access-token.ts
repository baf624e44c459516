import { errors, type JWTPayload, jwtVerify } from 'jose';
import { authErrors } from './auth-errors.ts';
import { type KeyResolver, KeySetUnavailable } from './key-resolvers.ts';
import { isRole, type Principal, type Role } from './principal.ts';
import { type RevocationCheck, refuseIfRevoked } from './revocation.ts';
import {
  ACCESS_TOKEN_TYPE,
  DEFAULT_AUDIENCE,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
} from './sign-access-token.ts';
import { invalidToken, TokenRefusal } from './token-refusal.ts';
import type { VerifiedTokenCache } from './verified-token-cache.ts';

/** Asymmetric algorithms a deployment may allow. HMAC and `none` are never accepted. */
const ASYMMETRIC_ALGORITHMS: ReadonlySet<string> = new Set([
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
  'Ed25519',
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
]);
const MAX_CLOCK_TOLERANCE_SECONDS = 30;
const REQUIRED_CLAIMS = ['exp', 'iat', 'iss', 'aud', 'sub', 'jti'];
// Three base64url segments; the signature may be empty so that `alg: none` is refused for its
// algorithm rather than for its shape. Anything else never reaches a JSON parser.
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_KID_LENGTH = 256;

export interface VerifyAccessTokenOptions {
  /** Where public keys come from: `createRemoteKeyResolver` or `createLocalKeyResolver`. */
  readonly keys: KeyResolver;
  /** The expected `iss`, compared exactly. */
  readonly issuer: string;
  /** The expected `aud`. Default `groundwork`. */
  readonly audience?: string;
  /** Allowed `alg` values, asymmetric only. Default `['ES256']`. */
  readonly algorithms?: readonly string[];
  /** Allowed clock skew for `exp`, `nbf` and `iat`, at most 30. Default 10. */
  readonly clockToleranceSeconds?: number;
  /** Longest accepted `exp - iat`. Default 900 (15 minutes). */
  readonly maxLifetimeSeconds?: number;
  /** Longest accepted token, in characters, checked before anything is parsed. Default 4096. */
  readonly maxTokenLength?: number;
  /**
   * Asked last, about a token that passed every other check: true refuses it (reason `revoked`).
   * Lets a logout or a removed membership end tokens before they expire (`redisRevocationCheck`).
   * A rejection is not a refusal: it propagates, so an unreachable deny-list fails closed.
   */
  readonly isRevoked?: RevocationCheck;
  /**
   * Tokens verified before (`createVerifiedTokenCache`): a token found there skips the signature
   * and claim checks until its `exp`, but never the revocation check. One cache per verifier.
   */
  readonly cache?: VerifiedTokenCache;
  readonly now?: () => Date;
}

/**
 * Verifies an RFC 9068 access token and returns who it speaks for. Checks, in order: size,
 * shape, algorithm allowlist, `kid` among the issuer's published keys, signature, `typ`
 * (`at+jwt`), `iss`, `aud`, `exp`/`nbf`/`iat` within the clock tolerance, lifetime, and the
 * shape of `sub`, `jti`, `org`, `roles`, `scope`; then revocation. With a `cache`, a token verified
 * before goes straight to the revocation check until its `exp`.
 *
 * Every refusal is the same AUTH_TOKEN_INVALID (401), whatever went wrong; the reason is its
 * `cause` (see `refusalOf`), for logs only. A key set that cannot be fetched with nothing cached
 * is AUTH_KEYS_UNAVAILABLE (503). Misconfigured options throw a TypeError.
 *
 * @example
 * const keys = createRemoteKeyResolver({ url: config.JWKS_URL });
 * const principal = await verifyAccessToken(token, { keys, issuer: config.TOKEN_ISSUER });
 * if (!can(principal, 'orders:write')) throw authErrors.AUTH_FORBIDDEN.create();
 */
export async function verifyAccessToken(
  token: string,
  options: VerifyAccessTokenOptions,
): Promise<Principal> {
  const settings = checkVerifyOptions(options);
  // Callers pass header values: guard the type too, since JavaScript callers can pass anything.
  if (typeof token !== 'string') {
    throw invalidToken(new TokenRefusal('malformed', 'The token is not a string'));
  }
  if (token.length > settings.maxTokenLength) {
    throw invalidToken(
      new TokenRefusal('too_large', `Token longer than ${settings.maxTokenLength} characters`),
    );
  }
  const nowDate = options.now?.();
  const nowMs = nowDate?.getTime() ?? Date.now();
  const known = options.cache?.get(token, nowMs);
  if (known !== undefined) return refuseIfRevoked(known, options.isRevoked);
  if (!COMPACT_JWS.test(token)) {
    throw invalidToken(
      new TokenRefusal('malformed', 'Not a compact JWS of three base64url segments'),
    );
  }
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token, withRequiredKid(options.keys), {
      algorithms: settings.algorithms,
      issuer: options.issuer,
      audience: settings.audience,
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: REQUIRED_CLAIMS,
      clockTolerance: settings.clockToleranceSeconds,
      // Also refuses an `iat` in the future (beyond the tolerance), which jose checks only here.
      maxTokenAge: settings.maxLifetimeSeconds,
      currentDate: nowDate,
    }));
  } catch (error) {
    throw translate(error);
  }
  const principal = principalOf(payload, settings.maxLifetimeSeconds);
  // Remembered before the revocation check: being revoked is not a property of the token, and
  // every later use asks again.
  options.cache?.remember(token, principal, nowMs);
  return refuseIfRevoked(principal, options.isRevoked);
}

interface VerifySettings {
  algorithms: string[];
  audience: string;
  clockToleranceSeconds: number;
  maxLifetimeSeconds: number;
  maxTokenLength: number;
}

/**
 * Checks verification options once, the way `verifyAccessToken` does on every call: a plugin
 * calls it at registration so a bad config fails at boot, not on the first request.
 */
export function checkVerifyOptions(options: VerifyAccessTokenOptions): VerifySettings {
  const checked = checkedSettings.get(options);
  if (checked !== undefined) return checked;
  const settings = settingsOf(options);
  checkedSettings.set(options, settings);
  return settings;
}

// Options objects are built once per verifier and passed on every call: their settings are
// checked and derived once, not per request.
const checkedSettings = new WeakMap<VerifyAccessTokenOptions, VerifySettings>();

function settingsOf(options: VerifyAccessTokenOptions): VerifySettings {
  if (typeof options.keys !== 'function')
    throw new TypeError('verifyAccessToken: keys must be a key resolver');
  if (typeof options.issuer !== 'string' || options.issuer === '') {
    throw new TypeError('verifyAccessToken: issuer is required');
  }
  if (options.isRevoked !== undefined && typeof options.isRevoked !== 'function') {
    throw new TypeError('verifyAccessToken: isRevoked must be a function');
  }
  if (options.cache !== undefined && typeof options.cache?.get !== 'function') {
    throw new TypeError('verifyAccessToken: cache must come from createVerifiedTokenCache');
  }
  const algorithms = [...(options.algorithms ?? ['ES256'])];
  for (const algorithm of algorithms) {
    if (!ASYMMETRIC_ALGORITHMS.has(algorithm)) {
      throw new TypeError(
        `verifyAccessToken: algorithm "${algorithm}" is not an allowed asymmetric algorithm`,
      );
    }
  }
  const clockToleranceSeconds = options.clockToleranceSeconds ?? 10;
  if (!(clockToleranceSeconds >= 0 && clockToleranceSeconds <= MAX_CLOCK_TOLERANCE_SECONDS)) {
    throw new TypeError(
      `verifyAccessToken: clockToleranceSeconds must be within 0..${MAX_CLOCK_TOLERANCE_SECONDS} (got ${clockToleranceSeconds})`,
    );
  }
  const maxLifetimeSeconds = options.maxLifetimeSeconds ?? MAX_ACCESS_TOKEN_TTL_SECONDS;
  const maxTokenLength = options.maxTokenLength ?? 4096;
  for (const [name, value] of [
    ['maxLifetimeSeconds', maxLifetimeSeconds],
    ['maxTokenLength', maxTokenLength],
  ] as const) {
    if (!Number.isInteger(value) || value <= 0) {
      throw new TypeError(`verifyAccessToken: ${name} must be a positive integer (got ${value})`);
    }
  }
  return {
    algorithms,
    audience: options.audience ?? DEFAULT_AUDIENCE,
    clockToleranceSeconds,
    maxLifetimeSeconds,
    maxTokenLength,
  };
}

// Every token Groundwork issues names its key. Without a kid, a JWKS holding one key would be
// tried anyway; refusing keeps "which key signed this?" unambiguous during rotation.
function withRequiredKid(keys: KeyResolver): KeyResolver {
  return (protectedHeader, token) => {
    const { kid } = protectedHeader;
    if (typeof kid !== 'string' || kid === '' || kid.length > MAX_KID_LENGTH) {
      throw new TokenRefusal('unknown_key', 'The token header names no usable kid');
    }
    return keys(protectedHeader, token);
  };
}

function translate(error: unknown): Error {
  if (error instanceof TokenRefusal) return invalidToken(error);
  if (error instanceof KeySetUnavailable) {
    return authErrors.AUTH_KEYS_UNAVAILABLE.create(undefined, {
      cause: error,
      retryAfterSeconds: 30,
    });
  }
  if (error instanceof errors.JWTExpired) {
    return invalidToken(
      new TokenRefusal('expired', error.message, { claim: error.claim, cause: error }),
    );
  }
  if (error instanceof errors.JWTClaimValidationFailed) {
    return invalidToken(
      new TokenRefusal('claim', error.message, { claim: error.claim, cause: error }),
    );
  }
  if (error instanceof errors.JOSEAlgNotAllowed) {
    return invalidToken(new TokenRefusal('algorithm', error.message, { cause: error }));
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) {
    return invalidToken(new TokenRefusal('signature', error.message, { cause: error }));
  }
  if (
    error instanceof errors.JWKSNoMatchingKey ||
    error instanceof errors.JWKSMultipleMatchingKeys
  ) {
    return invalidToken(new TokenRefusal('unknown_key', error.message, { cause: error }));
  }
  // The rest: unparseable header or payload, unknown `crit` extensions, unencoded payloads.
  if (error instanceof errors.JOSEError) {
    return invalidToken(new TokenRefusal('malformed', error.message, { cause: error }));
  }
  // Not a token problem: a bug or a broken key set. Left as is, it becomes a logged 500.
  return error instanceof Error ? error : new Error(String(error));
}

function principalOf(payload: JWTPayload, maxLifetimeSeconds: number): Principal {
  const { sub, jti, exp, iat, org, roles = [], scope = '' } = payload;
  const refuse = (claim: string, message: string) =>
    invalidToken(new TokenRefusal('claim', message, { claim }));
  // jose has checked that these are present and that exp and iat are numbers.
  if (typeof sub !== 'string' || sub === '') throw refuse('sub', 'sub must be a non-empty string');
  if (typeof jti !== 'string' || jti === '') throw refuse('jti', 'jti must be a non-empty string');
  if ((exp as number) - (iat as number) > maxLifetimeSeconds) {
    throw refuse('exp', `Lifetime exp - iat exceeds ${maxLifetimeSeconds} s`);
  }
  if (org !== undefined && (typeof org !== 'string' || org === '')) {
    throw refuse('org', 'org must be a non-empty string when present');
  }
  // An unknown role fails closed: a role this service cannot interpret grants nothing safely.
  if (!Array.isArray(roles) || !roles.every(isRole)) {
    throw refuse('roles', 'roles must be a list of known roles');
  }
  if (typeof scope !== 'string') throw refuse('scope', 'scope must be a space-separated string');
  return Object.freeze({
    sub,
    org: org ?? null,
    roles: Object.freeze([...roles] as Role[]),
    scope: Object.freeze(scope.split(' ').filter((entry) => entry !== '')),
    jti,
    exp: exp as number,
  });
}
