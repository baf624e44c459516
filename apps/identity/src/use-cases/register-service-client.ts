import { randomBytes } from 'node:crypto';
import { PERMISSIONS } from '@groundwork/auth';
import { identityErrors } from '../domain/identity-errors.ts';
import { hashOpaqueToken, newOpaqueToken } from '../security/opaque-token.ts';
import type { UseCaseDependencies } from './dependencies.ts';

export interface RegisteredClient {
  readonly clientId: string;
  /** Shown once: only its hash is stored. */
  readonly clientSecret: string;
}

/**
 * Registers a service client for one organization. Its scopes must be permissions of the RBAC
 * table, the only scopes verifiers honour.
 */
export function makeRegisterServiceClient(deps: Pick<UseCaseDependencies, 'store'>) {
  return async function registerServiceClient(input: {
    readonly orgId: string;
    readonly name: string;
    readonly scopes: readonly string[];
  }): Promise<RegisteredClient> {
    const unknown = input.scopes.filter(
      (scope) => !(PERMISSIONS as readonly string[]).includes(scope),
    );
    if (unknown.length > 0) {
      throw identityErrors.IDENTITY_INVALID_SCOPE.create(
        `Unknown permissions: ${unknown.join(' ')}.`,
      );
    }
    const organization = await deps.store.organizations.findById(input.orgId);
    if (!organization) throw identityErrors.IDENTITY_ORGANIZATION_NOT_FOUND.create();
    const clientId = `svc_${randomBytes(12).toString('base64url')}`;
    const clientSecret = newOpaqueToken();
    await deps.store.transaction(async (tx) => {
      await tx.clients.create({
        id: clientId,
        orgId: input.orgId,
        name: input.name,
        secretHash: hashOpaqueToken(clientSecret),
        scopes: [...new Set(input.scopes)],
      });
      await tx.audit.record(
        {
          type: 'auth.client_token',
          outcome: 'success',
          orgId: input.orgId,
          subject: clientId,
          reason: 'client_registered',
        },
        {},
      );
    });
    return { clientId, clientSecret };
  };
}
