import type { Principal } from '@groundwork/auth';
import { identityErrors } from '../domain/identity-errors.ts';
import type { User } from '../generated/prisma/client.ts';
import type { UseCaseDependencies } from './dependencies.ts';

export function makeGetCurrentUser(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function getCurrentUser(principal: Principal): Promise<User> {
    const user = await deps.store.users.findById(principal.sub);
    // A service client's token has no user behind it.
    if (!user) throw identityErrors.IDENTITY_USER_TOKEN_REQUIRED.create();
    return user;
  };
}
