import type { AuditContext } from '../domain/audit-event.ts';
import { identityErrors } from '../domain/identity-errors.ts';
import { assertPasswordPolicy } from '../domain/password-policy.ts';
import type { UseCaseDependencies } from './dependencies.ts';

export interface RegisterUserInput {
  readonly email: string;
  readonly password: string;
  readonly displayName?: string | undefined;
}

export interface RegisteredUser {
  readonly id: string;
  readonly email: string;
  readonly displayName: string | null;
  readonly createdAt: Date;
}

/** Creates an account: policy-checked password, argon2id hash, audit event and outbox event. */
export function makeRegisterUser(deps: Pick<UseCaseDependencies, 'store' | 'hasher'>) {
  return async function registerUser(
    input: RegisterUserInput,
    context: AuditContext,
  ): Promise<RegisteredUser> {
    assertPasswordPolicy(input.password);
    const email = input.email.trim();
    const passwordHash = await deps.hasher.hash(input.password);
    try {
      return await deps.store.transaction(async (tx) => {
        const user = await tx.users.create({
          email,
          passwordHash,
          displayName: input.displayName?.trim() || null,
        });
        await tx.audit.record(
          { type: 'user.registered', outcome: 'success', actorId: user.id, subject: user.id },
          context,
        );
        await tx.publish({
          aggregate: 'user',
          type: 'user.registered',
          payload: { userId: user.id },
        });
        return {
          id: user.id,
          email: user.email,
          displayName: user.displayName,
          createdAt: user.createdAt,
        };
      });
    } catch (error) {
      if (identityErrors.IDENTITY_EMAIL_TAKEN.is(error)) {
        await deps.store.audit.record(
          { type: 'user.registered', outcome: 'failure', subject: email, reason: 'email_taken' },
          context,
        );
      }
      throw error;
    }
  };
}
