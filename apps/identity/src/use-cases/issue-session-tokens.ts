import { type Role, type SigningKey, signAccessToken } from '@groundwork/auth';
import type { TransactionalRepositories } from '../data/identity-store.ts';
import { refreshTokenExpiry } from '../domain/refresh-rules.ts';
import { hashOpaqueToken, newOpaqueToken } from '../security/opaque-token.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/** What a sign-in or a refresh hands back. */
export interface SessionTokens {
  readonly accessToken: string;
  readonly tokenType: 'Bearer';
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshTokenExpiresAt: Date;
  readonly organizationId: string | null;
  readonly roles: readonly Role[];
}

export interface SessionGrant {
  readonly familyId: string;
  readonly sessionEnd: Date;
  readonly userId: string;
  readonly orgId: string | null;
  readonly roles: readonly Role[];
}

/**
 * Mints an access token and the refresh token that will replace it, in the session's
 * transaction. The access token's jti is stored with the refresh token, so revoking the session
 * can deny that access token too, before it expires.
 *
 * The caller takes `key` from the key ring before it opens the transaction: loading the key
 * table uses a connection of its own, and a transaction that waits for a second connection can
 * deadlock a full pool (every connection held by a transaction waiting for another).
 */
export async function issueSessionTokens(
  deps: Pick<UseCaseDependencies, 'tokens' | 'now'>,
  tx: TransactionalRepositories,
  grant: SessionGrant,
  key: SigningKey,
): Promise<SessionTokens> {
  const now = deps.now();
  const access = await signAccessToken(
    { sub: grant.userId, org: grant.orgId, roles: grant.roles },
    {
      key,
      issuer: deps.tokens.issuer,
      audience: deps.tokens.audience,
      ttlSeconds: deps.tokens.accessTokenTtlSeconds,
      now: () => now,
    },
  );
  const refreshToken = newOpaqueToken();
  const refreshTokenExpiresAt = refreshTokenExpiry(
    now,
    deps.tokens.refreshTokenTtlSeconds,
    grant.sessionEnd,
  );
  await tx.sessions.addToken({
    familyId: grant.familyId,
    tokenHash: hashOpaqueToken(refreshToken),
    expiresAt: refreshTokenExpiresAt,
    accessTokenJti: access.jti,
    accessTokenExpiresAt: access.expiresAt,
  });
  return {
    accessToken: access.token,
    tokenType: 'Bearer',
    expiresIn: access.expiresIn,
    refreshToken,
    refreshTokenExpiresAt,
    organizationId: grant.orgId,
    roles: grant.roles,
  };
}
