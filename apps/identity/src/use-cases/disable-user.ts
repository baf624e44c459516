import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import type { UseCaseDependencies } from './dependencies.ts';

/**
 * Disables an account (an operator action): it can no longer sign in or refresh, every session is
 * revoked and every live access token denied, so it is locked out everywhere within a second.
 */
export function makeDisableUser(deps: Pick<UseCaseDependencies, 'store' | 'revocations' | 'now'>) {
  return async function disableUser(
    userId: string,
    operator: { readonly actorId: string | null; readonly reason: string },
    context: AuditContext,
  ): Promise<void> {
    await deps.store.transaction(async (tx) => {
      const user = await tx.users.findById(userId);
      if (!user) throw identityErrors.IDENTITY_USER_NOT_FOUND.create();
      await tx.users.setStatus(userId, 'disabled');
      const live = await tx.sessions.revokeUserFamilies(userId, 'user_disabled', deps.now());
      await deps.revocations.revoke(live);
      await tx.audit.record(
        {
          type: 'auth.sessions_revoked',
          outcome: 'success',
          actorId: operator.actorId,
          subject: userId,
          reason: operator.reason,
          details: { revokedAccessTokens: live.length },
        },
        context,
      );
    });
  };
}
