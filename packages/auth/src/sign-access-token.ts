import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { isRole, type Role } from './principal.ts';
import { SIGNING_ALGORITHM, type SigningKey } from './signing-keys.ts';

/** RFC 9068: the media type that marks a JWT as an OAuth access token, not an ID token. */
export const ACCESS_TOKEN_TYPE = 'at+jwt';
export const DEFAULT_AUDIENCE = 'groundwork';
/** The longest an access token may live. Short, because a leaked token works until it expires. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 900;

export interface AccessTokenSubject {
  /** User id, or client id for a service (client_credentials). */
  readonly sub: string;
  /** The organization the token acts for; omit for a token bound to none. */
  readonly org?: string | null;
  readonly roles?: readonly Role[];
  /** Each entry a single scope token (no spaces); sent as one space-separated string. */
  readonly scope?: readonly string[];
}

export interface SignAccessTokenOptions {
  readonly key: SigningKey;
  /** The issuer URL; verifiers compare it exactly. */
  readonly issuer: string;
  /** Default `groundwork`. */
  readonly audience?: string;
  /** Default and maximum 900 (15 minutes). */
  readonly ttlSeconds?: number;
  readonly now?: () => Date;
}

export interface IssuedAccessToken {
  readonly token: string;
  readonly jti: string;
  readonly expiresAt: Date;
  /** Seconds until expiry: the `expires_in` of an OAuth token response. */
  readonly expiresIn: number;
}

/**
 * Signs an RFC 9068 access token: ES256, `typ: at+jwt`, the key's `kid` in the header, and
 * `iss`, `aud`, `sub`, `iat`, `exp`, `jti`, `org`, `roles`, `scope` in the claims.
 *
 * @example
 * const { token, expiresIn } = await signAccessToken(
 *   { sub: user.id, org: membership.orgId, roles: [membership.role] },
 *   { key: await keys.activeSigningKey(), issuer: config.ISSUER_URL },
 * );
 */
export async function signAccessToken(
  subject: AccessTokenSubject,
  options: SignAccessTokenOptions,
): Promise<IssuedAccessToken> {
  const ttlSeconds = options.ttlSeconds ?? MAX_ACCESS_TOKEN_TTL_SECONDS;
  if (
    !Number.isInteger(ttlSeconds) ||
    ttlSeconds <= 0 ||
    ttlSeconds > MAX_ACCESS_TOKEN_TTL_SECONDS
  ) {
    throw new TypeError(
      `signAccessToken: ttlSeconds must be an integer in 1..${MAX_ACCESS_TOKEN_TTL_SECONDS} (got ${ttlSeconds})`,
    );
  }
  checkSubject(subject);
  const issuedAt = Math.floor((options.now?.() ?? new Date()).getTime() / 1000);
  const expiresAt = issuedAt + ttlSeconds;
  const jti = randomUUID();
  const claims: Record<string, unknown> = {
    roles: [...(subject.roles ?? [])],
    scope: (subject.scope ?? []).join(' '),
  };
  if (subject.org != null) claims.org = subject.org;
  const token = await new SignJWT(claims)
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, typ: ACCESS_TOKEN_TYPE, kid: options.key.kid })
    .setIssuer(options.issuer)
    .setAudience(options.audience ?? DEFAULT_AUDIENCE)
    .setSubject(subject.sub)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .setJti(jti)
    .sign(options.key.privateKey);
  return { token, jti, expiresAt: new Date(expiresAt * 1000), expiresIn: ttlSeconds };
}

// The verifier refuses tokens that break these rules, so the issuer refuses to mint them.
function checkSubject(subject: AccessTokenSubject): void {
  if (typeof subject.sub !== 'string' || subject.sub === '') {
    throw new TypeError('signAccessToken: sub must be a non-empty string');
  }
  if (subject.org != null && (typeof subject.org !== 'string' || subject.org === '')) {
    throw new TypeError('signAccessToken: org must be a non-empty string or absent');
  }
  for (const role of subject.roles ?? []) {
    if (!isRole(role)) throw new TypeError(`signAccessToken: unknown role "${String(role)}"`);
  }
  for (const scope of subject.scope ?? []) {
    if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(scope)) {
      throw new TypeError(`signAccessToken: "${scope}" is not a single RFC 6749 scope token`);
    }
  }
}
