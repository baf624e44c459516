import type { AuditContext } from '../domain/audit-event.ts';
import { hashOpaqueToken } from '../security/opaque-token.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/**
 * Ends a session: revokes the refresh token's family and denies the access tokens it issued
 * that have not expired, everywhere that consults the deny-list. Answers the same whether or not
 * the token was known, so logout reveals nothing about a token.
 */
export function makeLogOut(deps: Pick<UseCaseDependencies, 'store' | 'revocations' | 'now'>) {
  return async function logOut(
    input: { readonly refreshToken: string },
    context: AuditContext,
  ): Promise<void> {
    const presented = await deps.store.sessions.findByTokenHash(
      hashOpaqueToken(input.refreshToken),
    );
    if (!presented) {
      await deps.store.audit.record(
        { type: 'auth.logout', outcome: 'failure', reason: 'unknown_token' },
        context,
      );
      return;
    }
    const { family } = presented;
    const live = await deps.store.sessions.revokeFamily(family.id, 'logout', deps.now());
    await deps.revocations.revoke(live);
    await deps.store.audit.record(
      {
        type: 'auth.logout',
        outcome: 'success',
        actorId: family.userId,
        orgId: family.orgId,
        subject: family.userId,
        details: { sessionId: family.id, revokedAccessTokens: live.length },
      },
      context,
    );
  };
}
