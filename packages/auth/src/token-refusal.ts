import { AppError } from '@groundwork/errors';
import { authErrors, INVALID_TOKEN_DETAIL } from './auth-errors.ts';

/** Why a token was refused: for logs and tests, never for the client. */
export type RefusalReason =
  /** Longer than the size cap; refused before any parsing. */
  | 'too_large'
  /** Not three base64url segments, or a header or payload that is not a JSON object. */
  | 'malformed'
  /** `alg` outside the allowlist (`none`, HS*, RS*, ES384...). */
  | 'algorithm'
  /** No `kid`, or no published key has it. */
  | 'unknown_key'
  /** The signature does not verify with the key named by `kid`. */
  | 'signature'
  /** `exp` is past, beyond the clock tolerance. */
  | 'expired'
  /** A claim or the `typ` header is missing, has the wrong value or the wrong shape; see `claim`. */
  | 'claim'
  /** Valid in every other way, but `isRevoked` says it was revoked (logout, removed membership). */
  | 'revoked';

/**
 * The real reason behind an AUTH_TOKEN_INVALID, attached as its `cause`. `toProblem` reads only
 * the AppError, so none of this reaches a client.
 */
export class TokenRefusal extends Error {
  readonly reason: RefusalReason;
  /** The claim or header at fault, for reason `claim`: `aud`, `iss`, `typ`, `roles`... */
  readonly claim: string | undefined;

  constructor(
    reason: RefusalReason,
    message: string,
    options: { claim?: string; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'TokenRefusal';
    this.reason = reason;
    this.claim = options.claim;
  }
}

/** The client-facing error for a refused token: identical for every reason. */
export function invalidToken(refusal: TokenRefusal): AppError {
  return authErrors.AUTH_TOKEN_INVALID.create(INVALID_TOKEN_DETAIL, { cause: refusal });
}

/**
 * The refusal behind an error thrown by `verifyAccessToken`, for a log line.
 *
 * @example
 * request.log.info({ tokenRefusal: refusalOf(error) }, 'access token refused');
 */
export function refusalOf(
  error: unknown,
): { reason: RefusalReason; claim?: string; message: string } | undefined {
  if (!(error instanceof AppError) || !(error.cause instanceof TokenRefusal)) return undefined;
  const { reason, claim, message } = error.cause;
  return claim === undefined ? { reason, message } : { reason, claim, message };
}
