import type { Role } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import { judgeRefreshToken } from '../domain/refresh-rules.ts';
import { hashOpaqueToken } from '../security/opaque-token.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { issueSessionTokens, type SessionTokens } from './issue-session-tokens.ts';

export interface RefreshSessionInput {
  readonly refreshToken: string;
  /**
   * Switch the session to another organization (a member of it), or to none with null;
   * omitted, the session keeps its organization.
   */
  readonly organizationId?: string | null | undefined;
}

const invalid = () =>
  identityErrors.IDENTITY_REFRESH_TOKEN_INVALID.create(
    'The refresh token is expired, revoked or not valid. Sign in again.',
  );

/**
 * Exchanges a refresh token for a new access token and a new refresh token (rotation: each
 * refresh token works once). Presenting a spent one is reuse: someone kept a copy, and nobody can
 * tell the thief from the owner, so the whole family is revoked, its access tokens are denied,
 * and both parties must sign in again.
 */
export function makeRefreshSession(deps: UseCaseDependencies) {
  async function revokeForReuse(familyId: string, userId: string, context: AuditContext) {
    const live = await deps.store.sessions.revokeFamily(familyId, 'reuse', deps.now());
    await deps.revocations.revoke(live);
    await deps.store.audit.record(
      {
        type: 'auth.refresh',
        outcome: 'failure',
        actorId: userId,
        subject: userId,
        reason: 'reuse',
        details: { sessionId: familyId, revokedAccessTokens: live.length },
      },
      context,
    );
  }

  return async function refreshSession(
    input: RefreshSessionInput,
    context: AuditContext,
  ): Promise<SessionTokens> {
    const now = deps.now();
    const presented = await deps.store.sessions.findByTokenHash(
      hashOpaqueToken(input.refreshToken),
    );
    if (!presented) {
      await deps.store.audit.record(
        { type: 'auth.refresh', outcome: 'failure', reason: 'unknown_token' },
        context,
      );
      throw invalid();
    }
    const { family } = presented;
    const verdict = judgeRefreshToken(presented, now);
    if (verdict === 'reuse') {
      await revokeForReuse(family.id, family.userId, context);
      throw invalid();
    }
    if (verdict !== 'rotate') {
      await deps.store.audit.record(
        {
          type: 'auth.refresh',
          outcome: 'failure',
          actorId: family.userId,
          subject: family.userId,
          reason: verdict,
          details: { sessionId: family.id },
        },
        context,
      );
      throw invalid();
    }

    const key = await deps.keyRing.signingKey();
    const outcome = await deps.store.transaction(async (tx) => {
      // Checked before the token is spent, so a refused switch leaves it usable.
      const user = await tx.users.findById(family.userId);
      if (user?.status !== 'active') return { kind: 'inactive' as const };
      const orgId = input.organizationId === undefined ? family.orgId : input.organizationId;
      let roles: Role[] = [];
      if (orgId !== null) {
        const membership = await tx.memberships.find(orgId, user.id);
        if (!membership) return { kind: 'not_a_member' as const, orgId };
        roles = [membership.role];
      }
      if (!(await tx.sessions.markUsed(presented.id, now))) return { kind: 'reuse' as const };
      if (orgId !== family.orgId) await tx.sessions.setFamilyOrganization(family.id, orgId);
      const tokens = await issueSessionTokens(
        deps,
        tx,
        { familyId: family.id, sessionEnd: family.expiresAt, userId: user.id, orgId, roles },
        key,
      );
      await tx.audit.record(
        {
          type: 'auth.refresh',
          outcome: 'success',
          actorId: user.id,
          orgId,
          subject: user.id,
          details: { sessionId: family.id },
        },
        context,
      );
      return { kind: 'issued' as const, tokens };
    });

    switch (outcome.kind) {
      case 'issued':
        return outcome.tokens;
      case 'reuse':
        // Another request spent the token between our read and our write: the same evidence.
        await revokeForReuse(family.id, family.userId, context);
        throw invalid();
      case 'inactive': {
        const live = await deps.store.sessions.revokeFamily(family.id, 'user_disabled', now);
        await deps.revocations.revoke(live);
        await deps.store.audit.record(
          {
            type: 'auth.refresh',
            outcome: 'failure',
            actorId: family.userId,
            subject: family.userId,
            reason: 'user_disabled',
          },
          context,
        );
        throw invalid();
      }
      case 'not_a_member':
        await deps.store.audit.record(
          {
            type: 'auth.refresh',
            outcome: 'denied',
            actorId: family.userId,
            orgId: outcome.orgId,
            subject: family.userId,
            reason: 'not_a_member',
          },
          context,
        );
        throw identityErrors.IDENTITY_NOT_A_MEMBER.create();
    }
  };
}
