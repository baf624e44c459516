import type {
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerAsyncHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { authErrors } from './auth-errors.ts';
import {
  bearerChallenge,
  bearerTokenOf,
  challengeRefusedToken,
  refuseMissingToken,
} from './bearer-token.ts';
import { can, type Permission } from './policies.ts';
import type { Principal } from './principal.ts';
import { runWithTenant } from './tenant-context.ts';
import { createVerifiedTokenCache } from './verified-token-cache.ts';
import {
  checkVerifyOptions,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './verify-access-token.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /**
     * The caller, proven by its access token. Set on every route that `authenticate` guards;
     * reading it anywhere else throws (a wiring mistake must not look like an anonymous caller).
     */
    readonly principal: Principal;
  }
  interface FastifyContextConfig {
    /** Lets a route inside an `authenticate` scope answer without a token. */
    public?: boolean;
  }
}

export interface AuthenticateOptions extends VerifyAccessTokenOptions {
  /**
   * Verified tokens remembered until their `exp` (least recently used dropped first), so a
   * caller's next request skips the ES256 check; revocation, tenant and policies still run on
   * every request. 0 verifies every request. Ignored when `cache` is given. Default 10,000.
   */
  readonly tokenCacheMaxEntries?: number;
}

const DEFAULT_TOKEN_CACHE_MAX_ENTRIES = 10_000;

const PRINCIPAL = Symbol('groundwork.principal');
type WithPrincipal = FastifyRequest & { [PRINCIPAL]: Principal | null };

const authenticatePlugin: FastifyPluginAsync<AuthenticateOptions> = async (app, settings) => {
  const { tokenCacheMaxEntries = DEFAULT_TOKEN_CACHE_MAX_ENTRIES, ...verifyOptions } = settings;
  const options: VerifyAccessTokenOptions = {
    ...verifyOptions,
    cache: verifyOptions.cache ?? createVerifiedTokenCache({ maxEntries: tokenCacheMaxEntries }),
  };
  checkVerifyOptions(options);
  app.decorateRequest(PRINCIPAL, null);
  app.decorateRequest('principal', {
    getter(this: FastifyRequest) {
      const principal = (this as WithPrincipal)[PRINCIPAL];
      if (principal === null) {
        throw authErrors.AUTH_TENANT_CONTEXT_MISSING.create(
          'request.principal was read on a route that authenticate does not guard',
        );
      }
      return principal;
    },
  });

  // onRequest, so that an unauthenticated request is refused before its body is even read.
  const verify: onRequestHookHandler = (request, reply, done) => {
    if (request.routeOptions.config.public === true) return done();
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined) return done(refuseMissingToken(reply));
    verifyAccessToken(token, options).then(
      (principal) => {
        (request as WithPrincipal)[PRINCIPAL] = principal;
        // The rest of the lifecycle (body parsing, later hooks, the handler and all it awaits)
        // runs inside the tenant context, so repositories can scope every query to it.
        runWithTenant(principal, () => done());
      },
      (error: unknown) => done(challengeRefusedToken(request, reply, error)),
    );
  };
  app.addHook('onRequest', verify);
};

/**
 * Requires a valid access token on every route of the scope it is registered in (zero trust:
 * each service checks tokens itself, whatever the gateway did). A missing token is 401
 * AUTH_TOKEN_MISSING; any invalid token is 401 AUTH_TOKEN_INVALID with
 * `WWW-Authenticate: Bearer error="invalid_token"`, the reason going to the log only. Routes
 * opt out with `config: { public: true }`. The verified principal is `request.principal`, and
 * `currentTenant()` in any code the handler calls. A token verified once is remembered until its
 * `exp` (`tokenCacheMaxEntries`); only its signature and claim checks are skipped, never the
 * revocation check.
 *
 * Register it inside the plugin that declares the protected routes, so the kit's health and
 * docs routes stay outside it.
 *
 * @example
 * await app.register(async (v1) => {
 *   await v1.register(authenticate, { keys: createRemoteKeyResolver({ url: config.JWKS_URL }), issuer: config.TOKEN_ISSUER });
 *   v1.post('/v1/orders', { preHandler: authorize('orders:write') }, placeOrderHandler);
 * });
 */
export const authenticate = fp(authenticatePlugin, {
  name: '@groundwork/auth/authenticate',
  fastify: '5.x',
});

/** An ABAC rule over the caller and the request: may return a promise (to load the resource). */
export type RequestPolicy<Request extends FastifyRequest = FastifyRequest> = (
  principal: Principal,
  request: Request,
) => boolean | Promise<boolean>;

/**
 * A preHandler that lets the request through only if the principal holds `permission` (RBAC) or
 * satisfies `policy` (ABAC). Otherwise 403 AUTH_FORBIDDEN; for a missing permission, with the
 * RFC 6750 `insufficient_scope` challenge naming it. On a route that `authenticate` does not
 * guard it fails closed (500), never open.
 *
 * @example
 * app.delete('/v1/orgs/:orgId', {
 *   preHandler: [authorize('org:manage'), authorize((principal, request) => sameTenant(principal, { orgId: request.params.orgId }))],
 * }, deleteOrganizationHandler);
 */
export function authorize(permission: Permission): preHandlerAsyncHookHandler;
export function authorize<Request extends FastifyRequest>(
  policy: RequestPolicy<Request>,
): preHandlerAsyncHookHandler;
export function authorize(requirement: Permission | RequestPolicy): preHandlerAsyncHookHandler {
  if (typeof requirement === 'string') {
    return async function requirePermission(request: FastifyRequest, reply: FastifyReply) {
      if (can(request.principal, requirement)) return;
      reply.header(
        'www-authenticate',
        bearerChallenge({ error: 'insufficient_scope', scope: requirement }),
      );
      throw authErrors.AUTH_FORBIDDEN.create(`This action needs the ${requirement} permission.`);
    };
  }
  return async function requirePolicy(request: FastifyRequest) {
    if (await requirement(request.principal, request)) return;
    throw authErrors.AUTH_FORBIDDEN.create();
  };
}
