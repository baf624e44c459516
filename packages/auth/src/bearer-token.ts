import type { AppError } from '@groundwork/errors';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { authErrors } from './auth-errors.ts';
import { refusalOf } from './token-refusal.ts';

/** The `realm` of every challenge: one protection space across all Groundwork services. */
const REALM = 'groundwork';

// RFC 9110: the scheme is case-insensitive; RFC 6750: one space, then the token. Tokens are
// read only from the header, never from the query string, where they would end up in logs.
const BEARER = /^bearer +(\S+) *$/i;

/** The RFC 6750 error a challenge names; none for a request that sent no token. */
export type BearerChallenge =
  | { readonly error: 'invalid_token' }
  | { readonly error: 'insufficient_scope'; readonly scope: string };

/**
 * The access token of an `Authorization: Bearer <token>` header, or `undefined` for a missing
 * header, another scheme or a malformed value.
 *
 * @example
 * ```ts
 * const token = bearerTokenOf(request.headers.authorization);
 * if (token === undefined) throw refuseMissingToken(reply);
 * ```
 */
export function bearerTokenOf(authorization: string | undefined): string | undefined {
  return BEARER.exec(authorization ?? '')?.[1];
}

/**
 * The `WWW-Authenticate` value of a 401 or 403 (RFC 6750 section 3), in the `groundwork` realm
 * that the gateway and every service share.
 *
 * @example
 * ```ts
 * reply.header('www-authenticate', bearerChallenge({ error: 'insufficient_scope', scope: 'orders:write' }));
 * ```
 */
export function bearerChallenge(challenge?: BearerChallenge): string {
  if (challenge === undefined) return `Bearer realm="${REALM}"`;
  if (challenge.error === 'invalid_token') return `Bearer realm="${REALM}", error="invalid_token"`;
  return `Bearer realm="${REALM}", error="insufficient_scope", scope="${challenge.scope}"`;
}

/**
 * Sets the bare Bearer challenge on `reply` and returns the AUTH_TOKEN_MISSING error (401) to
 * answer with: the refusal of a request that sent no bearer token.
 *
 * @example
 * ```ts
 * const token = bearerTokenOf(request.headers.authorization);
 * if (token === undefined) return done(refuseMissingToken(reply));
 * ```
 */
export function refuseMissingToken(reply: FastifyReply): AppError {
  reply.header('www-authenticate', bearerChallenge());
  return authErrors.AUTH_TOKEN_MISSING.create(
    'Send an access token as Authorization: Bearer <token>.',
  );
}

/**
 * For a token that `verifyAccessToken` refused: logs the reason (never sent to the client) and
 * sets the `invalid_token` challenge on `reply`. Any other failure (the key set unreachable)
 * gets neither. Returns `error`, to answer with.
 *
 * @example
 * ```ts
 * verifyAccessToken(token, options).then(
 *   (principal) => done(),
 *   (error: unknown) => done(challengeRefusedToken(request, reply, error)),
 * );
 * ```
 */
export function challengeRefusedToken(
  request: FastifyRequest,
  reply: FastifyReply,
  error: unknown,
): AppError {
  const refusal = refusalOf(error);
  if (refusal !== undefined) {
    request.log.info({ tokenRefusal: refusal }, 'access token refused');
    reply.header('www-authenticate', bearerChallenge({ error: 'invalid_token' }));
  }
  return error as AppError;
}
