import type { Role } from '@groundwork/auth';
import type { AuditContext } from '../domain/audit-event.ts';
import { INVALID_CREDENTIALS_DETAIL, identityErrors } from '../domain/identity-errors.ts';
import type { UseCaseDependencies } from './dependencies.ts';
import { issueSessionTokens, type SessionTokens } from './issue-session-tokens.ts';

export interface LogInInput {
  readonly email: string;
  readonly password: string;
  /** The organization the tokens act for; omitted, they act for none. */
  readonly organizationId?: string | undefined;
}

/**
 * Signs a user in. Every failure (unknown email, wrong password, disabled account) costs one
 * argon2 verify, is counted by the throttle and answers the same IDENTITY_INVALID_CREDENTIALS;
 * only the audit event says which it was.
 */
export function makeLogIn(deps: UseCaseDependencies) {
  return async function logIn(input: LogInInput, context: AuditContext): Promise<SessionTokens> {
    const email = input.email.trim();
    const subject = { email, ip: context.ip ?? 'unknown' };
    const failed = (reason: string, actorId: string | null = null) =>
      deps.store.audit.record(
        { type: 'auth.login', outcome: 'failure', actorId, subject: email, reason },
        context,
      );

    const blockedFor = await deps.throttle.blockedFor(subject);
    if (blockedFor !== null) {
      await failed('throttled');
      throw identityErrors.IDENTITY_LOGIN_THROTTLED.create(
        'Too many failed sign-ins. Try again later.',
        { retryAfterSeconds: blockedFor },
      );
    }

    const user = await deps.store.users.findByEmail(email);
    const passwordMatches = user
      ? await deps.hasher.verify(user.passwordHash, input.password)
      : await deps.hasher.verifyNothing(input.password);
    if (!user || !passwordMatches || user.status !== 'active') {
      await deps.throttle.recordFailure(subject);
      const reason = !user ? 'unknown_email' : !passwordMatches ? 'wrong_password' : 'disabled';
      await failed(reason, user?.id ?? null);
      throw identityErrors.IDENTITY_INVALID_CREDENTIALS.create(INVALID_CREDENTIALS_DETAIL);
    }
    await deps.throttle.recordSuccess(subject);
    if (deps.hasher.needsRehash(user.passwordHash)) {
      // Parameters were raised since this hash was made: upgrade it while the password is known.
      await deps.store.users.updatePasswordHash(user.id, await deps.hasher.hash(input.password));
    }

    let roles: Role[] = [];
    const orgId = input.organizationId ?? null;
    if (orgId !== null) {
      const membership = await deps.store.memberships.find(orgId, user.id);
      if (!membership) {
        await deps.store.audit.record(
          {
            type: 'auth.login',
            outcome: 'denied',
            actorId: user.id,
            orgId,
            subject: email,
            reason: 'not_a_member',
          },
          context,
        );
        throw identityErrors.IDENTITY_NOT_A_MEMBER.create();
      }
      roles = [membership.role];
    }

    const key = await deps.keyRing.signingKey();
    const now = deps.now();
    return deps.store.transaction(async (tx) => {
      const sessionEnd = new Date(now.getTime() + deps.tokens.sessionMaxAgeSeconds * 1000);
      const family = await tx.sessions.startFamily({
        userId: user.id,
        orgId,
        expiresAt: sessionEnd,
      });
      const tokens = await issueSessionTokens(
        deps,
        tx,
        { familyId: family.id, sessionEnd, userId: user.id, orgId, roles },
        key,
      );
      await tx.audit.record(
        {
          type: 'auth.login',
          outcome: 'success',
          actorId: user.id,
          orgId,
          subject: email,
          details: { sessionId: family.id },
        },
        context,
      );
      return tokens;
    });
  };
}
