import { signAccessToken } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import { grantScopes } from '../domain/client-scopes.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import { opaqueTokenMatches } from '../security/opaque-token.ts';
import type { UseCaseDependencies } from './dependencies.ts';

export interface ClientCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
  /** Space-separated scopes asked for; omitted, all of the client's. */
  readonly scope?: string | undefined;
}

export interface ClientToken {
  readonly accessToken: string;
  readonly expiresIn: number;
  readonly scope: readonly string[];
}

/**
 * OAuth 2.0 client_credentials (RFC 6749 §4.4): a service authenticates with its secret and
 * receives an access token for its organization, carrying its granted scopes and no role.
 * No refresh token: the client simply asks again.
 */
export function makeIssueClientToken(
  deps: Pick<UseCaseDependencies, 'store' | 'keyRing' | 'tokens' | 'now'>,
) {
  return async function issueClientToken(
    credentials: ClientCredentials,
    context: AuditContext,
  ): Promise<ClientToken> {
    const client = await deps.store.clients.findById(credentials.clientId);
    const authenticated =
      client !== null && opaqueTokenMatches(credentials.clientSecret, client.secretHash);
    if (!client || !authenticated || client.status !== 'active') {
      const reason = !client ? 'unknown_client' : !authenticated ? 'wrong_secret' : 'disabled';
      await deps.store.audit.record(
        {
          type: 'auth.client_token',
          outcome: 'failure',
          actorId: client ? client.id : null,
          orgId: client?.orgId ?? null,
          subject: credentials.clientId.slice(0, 200),
          reason,
        },
        context,
      );
      throw identityErrors.IDENTITY_INVALID_CLIENT.create('Client authentication failed.');
    }
    const grant = grantScopes(credentials.scope, client.scopes);
    if ('invalid' in grant) {
      await deps.store.audit.record(
        {
          type: 'auth.client_token',
          outcome: 'denied',
          actorId: client.id,
          orgId: client.orgId,
          subject: client.id,
          reason: 'invalid_scope',
        },
        context,
      );
      throw identityErrors.IDENTITY_INVALID_SCOPE.create(grant.invalid);
    }
    const now = deps.now();
    const issued = await signAccessToken(
      { sub: client.id, org: client.orgId, roles: [], scope: grant.granted },
      {
        key: await deps.keyRing.signingKey(),
        issuer: deps.tokens.issuer,
        audience: deps.tokens.audience,
        ttlSeconds: deps.tokens.accessTokenTtlSeconds,
        now: () => now,
      },
    );
    await deps.store.audit.record(
      {
        type: 'auth.client_token',
        outcome: 'success',
        actorId: client.id,
        orgId: client.orgId,
        subject: client.id,
        details: { scope: grant.granted.join(' '), jti: issued.jti },
      },
      context,
    );
    return { accessToken: issued.token, expiresIn: issued.expiresIn, scope: grant.granted };
  };
}
