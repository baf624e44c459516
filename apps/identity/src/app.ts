import {
  DEFAULT_ROTATION_POLICY,
  parseKeyEncryptionKey,
  type RotationPolicy,
} from '@groundwork/auth';
import { authenticate } from '@groundwork/auth/fastify';
import type { Logger } from '@groundwork/logger';
import { createService, type Service, type ServiceOptions } from '@groundwork/service-kit';
import type { Redis } from 'ioredis';
import { DEVELOPMENT_KEY_ENCRYPTION_KEY, type IdentityConfig } from './config.ts';
import { createIdentityStore, type IdentityStore } from './data/identity-store.ts';
import { createLoginThrottle } from './data/login-throttle.ts';
import { createRevocationList, type RevocationList } from './data/revocation-list.ts';
import type { PrismaClient } from './generated/prisma/client.ts';
import { auditDeniedAccess } from './http/access-denied-audit.ts';
import { authRoutes } from './http/auth-routes.ts';
import { organizationRoutes } from './http/organization-routes.ts';
import { createAuditContextOf } from './http/request-context.ts';
import { tokenRoute } from './http/token-route.ts';
import { userRoutes } from './http/user-routes.ts';
import { wellKnownRoutes } from './http/well-known-routes.ts';
import { createKeyRing, type KeyRing } from './security/key-ring.ts';
import type { PasswordHasher } from './security/password-hasher.ts';
import { makeChangeMemberRole } from './use-cases/change-member-role.ts';
import { makeCreateOrganization } from './use-cases/create-organization.ts';
import { makeDeleteOrganization } from './use-cases/delete-organization.ts';
import type { UseCaseDependencies } from './use-cases/dependencies.ts';
import { makeDisableUser } from './use-cases/disable-user.ts';
import { makeGetCurrentUser } from './use-cases/get-current-user.ts';
import { makeGetOrganization } from './use-cases/get-organization.ts';
import { makeInviteMember } from './use-cases/invite-member.ts';
import { makeIssueClientToken } from './use-cases/issue-client-token.ts';
import { makeListMembers } from './use-cases/list-members.ts';
import { makeListOrganizations } from './use-cases/list-organizations.ts';
import { makeLogIn } from './use-cases/log-in.ts';
import { makeLogOut } from './use-cases/log-out.ts';
import { makeRefreshSession } from './use-cases/refresh-session.ts';
import { makeRegisterServiceClient } from './use-cases/register-service-client.ts';
import { makeRegisterUser } from './use-cases/register-user.ts';
import { makeRemoveMember } from './use-cases/remove-member.ts';
import { makeRotateSigningKeys } from './use-cases/rotate-signing-keys.ts';
import { makeUpdateOrganization } from './use-cases/update-organization.ts';

/** Config that the wiring reads; main.ts passes the whole loaded config. */
export type IdentitySettings = Pick<
  IdentityConfig,
  | 'TOKEN_ISSUER'
  | 'TOKEN_AUDIENCE'
  | 'ACCESS_TOKEN_TTL_SECONDS'
  | 'REFRESH_TOKEN_TTL_SECONDS'
  | 'SESSION_MAX_AGE_SECONDS'
  | 'SIGNING_KEY_ENCRYPTION_KEY'
  | 'SIGNING_KEY_ROTATION_PERIOD_SECONDS'
  | 'SIGNING_KEY_PUBLISH_LEAD_SECONDS'
  | 'SIGNING_KEY_CACHE_MS'
  | 'JWKS_MAX_AGE_SECONDS'
  | 'LOGIN_MAX_FAILURES'
  | 'LOGIN_FAILURE_WINDOW_SECONDS'
  | 'TRUSTED_PROXIES'
>;

export interface IdentityDependencies {
  readonly settings: IdentitySettings;
  readonly prisma: PrismaClient;
  /** Deny-list and sign-in counters; shared by every instance (and read by the gateway). */
  readonly redis: Redis;
  readonly hasher: PasswordHasher;
  readonly now?: () => Date;
}

/** The service's parts, wired by hand: what routes, commands, jobs and tests call. */
export interface Identity {
  readonly store: IdentityStore;
  readonly keyRing: KeyRing;
  readonly revocations: RevocationList;
  readonly rotationPolicy: RotationPolicy;
  readonly useCases: ReturnType<typeof wireUseCases>;
}

/** The rotation timing this deployment promises verifiers (see docs/runbooks/signing-key-rotation.md). */
export function rotationPolicyOf(settings: IdentitySettings): RotationPolicy {
  return {
    maxTokenLifetimeSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
    clockToleranceSeconds: DEFAULT_ROTATION_POLICY.clockToleranceSeconds,
    jwksCacheMaxAgeSeconds: settings.SIGNING_KEY_PUBLISH_LEAD_SECONDS,
  };
}

function wireUseCases(
  deps: UseCaseDependencies,
  settings: IdentitySettings,
  kek: ReturnType<typeof parseKeyEncryptionKey>,
) {
  return {
    registerUser: makeRegisterUser(deps),
    logIn: makeLogIn(deps),
    refreshSession: makeRefreshSession(deps),
    logOut: makeLogOut(deps),
    issueClientToken: makeIssueClientToken(deps),
    registerServiceClient: makeRegisterServiceClient(deps),
    getCurrentUser: makeGetCurrentUser(deps),
    disableUser: makeDisableUser(deps),
    createOrganization: makeCreateOrganization(deps),
    listOrganizations: makeListOrganizations(deps),
    getOrganization: makeGetOrganization(deps),
    updateOrganization: makeUpdateOrganization(deps),
    deleteOrganization: makeDeleteOrganization(deps),
    listMembers: makeListMembers(deps),
    inviteMember: makeInviteMember(deps),
    changeMemberRole: makeChangeMemberRole(deps),
    removeMember: makeRemoveMember(deps),
    rotateSigningKeys: makeRotateSigningKeys(deps, {
      kek,
      policy: rotationPolicyOf(settings),
      rotationPeriodSeconds: settings.SIGNING_KEY_ROTATION_PERIOD_SECONDS,
    }),
  };
}

/**
 * Wires the identity service without HTTP: repositories over the Prisma client, Redis stores,
 * the key ring and every use case. `buildApp` serves them; the key rotation command and job
 * call them directly.
 */
export function createIdentity(deps: IdentityDependencies): Identity {
  const { settings } = deps;
  const now = deps.now ?? (() => new Date());
  const kek = parseKeyEncryptionKey(
    settings.SIGNING_KEY_ENCRYPTION_KEY || DEVELOPMENT_KEY_ENCRYPTION_KEY,
  );
  const rotationPolicy = rotationPolicyOf(settings);
  const store = createIdentityStore(deps.prisma);
  const keyRing = createKeyRing({
    load: () => store.signingKeys.all(),
    kek,
    policy: rotationPolicy,
    cacheTtlMs: settings.SIGNING_KEY_CACHE_MS,
    now,
  });
  const revocations = createRevocationList(deps.redis, {
    clockToleranceSeconds: rotationPolicy.clockToleranceSeconds,
  });
  const useCaseDependencies: UseCaseDependencies = {
    store,
    hasher: deps.hasher,
    keyRing,
    revocations,
    throttle: createLoginThrottle(deps.redis, {
      maxFailures: settings.LOGIN_MAX_FAILURES,
      windowSeconds: settings.LOGIN_FAILURE_WINDOW_SECONDS,
    }),
    tokens: {
      issuer: settings.TOKEN_ISSUER,
      audience: settings.TOKEN_AUDIENCE,
      accessTokenTtlSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: settings.REFRESH_TOKEN_TTL_SECONDS,
      sessionMaxAgeSeconds: settings.SESSION_MAX_AGE_SECONDS,
    },
    now,
  };
  return {
    store,
    keyRing,
    revocations,
    rotationPolicy,
    useCases: wireUseCases(useCaseDependencies, settings, kek),
  };
}

export interface BuildAppOptions {
  readonly identity: Identity;
  readonly settings: IdentitySettings;
  /** createService options: logger, CORS, limits, readiness checks. */
  readonly service?: Omit<ServiceOptions, 'name'>;
  readonly logger?: Logger;
}

/**
 * The identity HTTP service: public auth routes, the token endpoint and discovery documents,
 * then `/v1` routes behind `authenticate`, which verifies every token against this service's own
 * key table and the shared deny-list (zero trust: the gateway's check is not the only one).
 * On ready, the key table is bootstrapped or rotated if due.
 */
export async function buildApp(options: BuildAppOptions): Promise<Service> {
  const { identity, settings } = options;
  const { useCases } = identity;
  const auditContextOf = createAuditContextOf(settings.TRUSTED_PROXIES);
  const app = await createService({
    name: 'identity',
    description:
      'Users, organizations (tenants), memberships and roles; access and refresh tokens, service clients, JWKS.',
    ...options.service,
    ...(options.logger ? { logger: options.logger } : {}),
  });

  await app.register(wellKnownRoutes, {
    keyRing: identity.keyRing,
    issuer: settings.TOKEN_ISSUER,
    jwksMaxAgeSeconds: settings.JWKS_MAX_AGE_SECONDS,
  });
  await app.register(authRoutes, { ...useCases, auditContextOf });
  await app.register(tokenRoute, { issueClientToken: useCases.issueClientToken, auditContextOf });
  await app.register(async (v1) => {
    await v1.register(authenticate, {
      keys: identity.keyRing.resolver,
      issuer: settings.TOKEN_ISSUER,
      audience: settings.TOKEN_AUDIENCE,
      maxLifetimeSeconds: settings.ACCESS_TOKEN_TTL_SECONDS,
      isRevoked: identity.revocations.isRevoked,
    });
    auditDeniedAccess(v1, { audit: identity.store.audit, auditContextOf });
    await v1.register(userRoutes, useCases);
    await v1.register(organizationRoutes, { ...useCases, auditContextOf });
  });

  // Every instance may run this: the rotation's advisory lock lets one act, the rest see its result.
  app.addHook('onReady', async () => {
    const report = await useCases.rotateSigningKeys.ifDue();
    if (report.created.length > 0 || report.rotated) {
      app.log.info({ signingKeys: report }, 'signing keys bootstrapped or rotated');
    }
  });
  return app;
}
