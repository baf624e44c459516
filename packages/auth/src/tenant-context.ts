import { AsyncLocalStorage } from 'node:async_hooks';
import { authErrors } from './auth-errors.ts';
import type { Principal } from './principal.ts';

/** The tenant a piece of work acts for, as proven by its verified token. */
export interface TenantContext {
  readonly org: string;
  readonly principal: Principal;
}

// One store for the process, like the async context it rides on; runWithTenant scopes each use,
// so tests and concurrent requests never see each other's principal.
const storage = new AsyncLocalStorage<Principal>();

/**
 * Runs `work` (and everything it awaits) on behalf of a verified principal. The authenticate
 * plugin wraps each request in it; jobs wrap each message whose token or tenant they verified.
 *
 * @example
 * await runWithTenant(principal, () => placeOrder(command));
 */
export function runWithTenant<T>(principal: Principal, work: () => T): T {
  return storage.run(principal, work);
}

/**
 * The verified principal of the current work.
 * Throws AUTH_TENANT_CONTEXT_MISSING (a 500: a programming error) outside `runWithTenant`.
 *
 * @example
 * const { sub } = currentPrincipal();
 */
export function currentPrincipal(): Principal {
  const principal = storage.getStore();
  if (principal === undefined) {
    throw authErrors.AUTH_TENANT_CONTEXT_MISSING.create(
      'Tenant-scoped code ran outside runWithTenant: no verified principal is in context',
    );
  }
  return principal;
}

/**
 * The organization every query of the current work must be scoped to. Throws
 * AUTH_TENANT_CONTEXT_MISSING outside `runWithTenant`, and AUTH_NO_ORGANIZATION (403) when the
 * principal is bound to no organization.
 *
 * @example
 * const { org } = currentTenant();
 * return db.order.findMany({ where: { orgId: org } });
 */
export function currentTenant(): TenantContext {
  const principal = currentPrincipal();
  if (principal.org === null) {
    throw authErrors.AUTH_NO_ORGANIZATION.create(
      'This action needs a token bound to an organization.',
    );
  }
  return { org: principal.org, principal };
}
