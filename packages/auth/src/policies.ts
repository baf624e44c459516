import { authErrors } from './auth-errors.ts';
import type { Principal, Role } from './principal.ts';

export { isRole, type Principal, ROLES, type Role } from './principal.ts';

/** Everything a caller can be allowed to do, named `resource:action`. */
export const PERMISSIONS = [
  'org:read',
  'org:manage',
  'members:read',
  'members:manage',
  'catalog:read',
  'catalog:write',
  'orders:read',
  'orders:write',
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const VIEWER: readonly Permission[] = ['org:read', 'members:read', 'catalog:read', 'orders:read'];
const MEMBER: readonly Permission[] = [...VIEWER, 'orders:write'];
const ADMIN: readonly Permission[] = [...MEMBER, 'members:manage', 'catalog:write'];
const OWNER: readonly Permission[] = [...ADMIN, 'org:manage'];

/**
 * RBAC in one table: what each organization role may do. Reviewing who can do what means
 * reading these lines, not grepping route handlers.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  owner: OWNER,
  admin: ADMIN,
  member: MEMBER,
  viewer: VIEWER,
});

// A Map, so a role string such as "__proto__" that slipped past validation finds nothing.
const grantsByRole: ReadonlyMap<string, ReadonlySet<Permission>> = new Map(
  Object.entries(ROLE_PERMISSIONS).map(([role, granted]) => [role, new Set(granted)]),
);
const knownPermissions: ReadonlySet<string> = new Set(PERMISSIONS);

/**
 * True when one of the principal's roles grants `permission`, or when its scope names it.
 * Scopes are how service tokens (client_credentials) carry permissions: they have no role.
 *
 * @example
 * if (!can(principal, 'orders:write')) throw authErrors.AUTH_FORBIDDEN.create();
 */
export function can(principal: Principal, permission: Permission): boolean {
  for (const role of principal.roles) {
    if (grantsByRole.get(role)?.has(permission)) return true;
  }
  return knownPermissions.has(permission) && principal.scope.includes(permission);
}

/**
 * ABAC: a rule over the caller and the resource it acts on. Policies are plain functions, so
 * they compose with `allOf`/`anyOf` and are tested without a server.
 */
export type Policy<Resource> = (principal: Principal, resource: Resource) => boolean;

// Combined policies apply to a resource that has every attribute their parts read. Walking the
// tuple (rather than intersecting a union) keeps `Policy<unknown>` parts from erasing the rest.
type CombinedResource<Policies extends readonly unknown[]> = Policies extends readonly [
  Policy<infer First>,
  ...infer Rest,
]
  ? First & CombinedResource<Rest>
  : unknown;

/**
 * The resource belongs to the caller's organization. A principal bound to no organization
 * owns no tenant data.
 *
 * @example
 * assertAllowed(principal, sameTenant, order);
 */
export const sameTenant: Policy<{ readonly orgId: string }> = (principal, resource) =>
  principal.org !== null && resource.orgId === principal.org;

/**
 * The caller created the resource.
 *
 * @example
 * const mayDelete = allOf(sameTenant, anyOf(ownerOnly, allowedTo('members:manage')));
 */
export const ownerOnly: Policy<{ readonly ownerId: string }> = (principal, resource) =>
  resource.ownerId === principal.sub;

/**
 * An RBAC permission as a policy, to combine with attribute rules.
 *
 * @example
 * const mayEdit = allOf(sameTenant, allowedTo('catalog:write'));
 */
export function allowedTo(permission: Permission): Policy<unknown> {
  return (principal) => can(principal, permission);
}

/**
 * Every policy allows. With no policy at all it denies: an empty rule is a mistake, not a pass.
 *
 * @example
 * const mayEdit = allOf(sameTenant, allowedTo('catalog:write'));
 */
export function allOf<Policies extends Policy<never>[]>(
  ...policies: Policies
): Policy<CombinedResource<Policies>> {
  return (principal, resource) =>
    policies.length > 0 &&
    policies.every((policy) => (policy as Policy<typeof resource>)(principal, resource));
}

/**
 * At least one policy allows.
 *
 * @example
 * const mayDelete = anyOf(ownerOnly, allowedTo('members:manage'));
 */
export function anyOf<Policies extends Policy<never>[]>(
  ...policies: Policies
): Policy<CombinedResource<Policies>> {
  return (principal, resource) =>
    policies.some((policy) => (policy as Policy<typeof resource>)(principal, resource));
}

/**
 * Throws AUTH_FORBIDDEN unless `policy` allows. Use cases call it after loading the resource,
 * so the rule holds for every caller (HTTP, GraphQL, jobs), not only at the edge.
 *
 * @example
 * const order = await orders.find(id);
 * assertAllowed(principal, allOf(sameTenant, ownerOnly), order);
 */
export function assertAllowed<Resource>(
  principal: Principal,
  policy: Policy<Resource>,
  resource: Resource,
): void {
  if (!policy(principal, resource)) throw authErrors.AUTH_FORBIDDEN.create();
}
