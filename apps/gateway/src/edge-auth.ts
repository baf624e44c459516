import {
  bearerTokenOf,
  challengeRefusedToken,
  checkVerifyOptions,
  createVerifiedTokenCache,
  type Principal,
  refuseMissingToken,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from '@groundwork/auth';
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified caller on routes that `requireToken` guards; null everywhere else. */
    caller: Principal | null;
  }
  interface FastifyInstance {
    /** onRequest hook: 401 unless the request carries a valid access token. */
    readonly requireToken: onRequestHookHandler;
  }
}

export interface EdgeAuthOptions extends VerifyAccessTokenOptions {
  /** Verified tokens remembered until they expire; 0 verifies every request. */
  readonly tokenCacheMaxEntries: number;
}

const verifyAtEdge: FastifyPluginAsync<EdgeAuthOptions> = async (app, options) => {
  const { tokenCacheMaxEntries, ...rest } = options;
  // The same verifier as the services' `authenticate`, remembered tokens included: a remembered
  // token skips the signature check, never the revocation check, so a logout ends it here at once.
  const verifyOptions: VerifyAccessTokenOptions = {
    ...rest,
    cache: createVerifiedTokenCache({ maxEntries: tokenCacheMaxEntries }),
  };
  checkVerifyOptions(verifyOptions);
  app.decorateRequest('caller', null);

  const requireToken: onRequestHookHandler = (request, reply, done) => {
    // The same parsing, challenges and refusals as the services' own `authenticate`.
    const token = bearerTokenOf(request.headers.authorization);
    if (token === undefined) return done(refuseMissingToken(reply));
    verifyAccessToken(token, verifyOptions).then(
      (principal) => {
        request.caller = principal;
        done();
      },
      (error: unknown) => done(challengeRefusedToken(request, reply, error)),
    );
  };
  app.decorate('requireToken', requireToken);
};

/**
 * Edge authentication: `app.requireToken` refuses a request without a valid access token (401
 * problem+json with a Bearer challenge) before it reaches a service or its body is read. Tokens
 * are verified with @groundwork/auth against identity's JWKS, with the same checks and refusals
 * as the services' own `authenticate` plugin (which verify again: zero trust), and the same
 * verified-token cache. Unlike that plugin, it sets no tenant context, since the gateway runs no
 * business code (see ADR 0003).
 */
export const edgeAuth = fp(verifyAtEdge, { name: 'gateway-edge-auth', fastify: '5.x' });
