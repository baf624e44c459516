import { isAppError } from '@groundwork/errors';
import type { Service } from '@groundwork/service-kit';
import type { FastifyError, FastifyRequest } from 'fastify';
import Type from 'typebox';
import { identityErrors } from '../domain/identity-errors.ts';
import type { makeIssueClientToken } from '../use-cases/issue-client-token.ts';
import type { AuditContextOf } from './request-context.ts';
import { NO_STORE } from './schemas.ts';

export interface TokenRouteOptions {
  readonly issueClientToken: ReturnType<typeof makeIssueClientToken>;
  readonly auditContextOf: AuditContextOf;
}

/** RFC 6749 §5.2 error codes; this endpoint answers in that shape, not problem+json. */
type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unsupported_grant_type'
  | 'invalid_scope';

class OAuthError extends Error {
  readonly error: OAuthErrorCode;
  readonly status: number;
  constructor(error: OAuthErrorCode, description: string, status = 400) {
    super(description);
    this.error = error;
    this.status = status;
  }
}

const OAuthErrorSchema = Type.Object({
  error: Type.String(),
  error_description: Type.Optional(Type.String()),
});

const TokenRequest = Type.Object(
  {
    grant_type: Type.String({ maxLength: 100 }),
    scope: Type.Optional(Type.String({ maxLength: 1000 })),
    client_id: Type.Optional(Type.String({ maxLength: 200 })),
    client_secret: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

interface TokenBody {
  grant_type: string;
  scope?: string;
  client_id?: string;
  client_secret?: string;
}

/**
 * `POST /v1/auth/token`: OAuth 2.0 client_credentials for service clients. Form-encoded as
 * RFC 6749 requires (JSON accepted too), client authentication by HTTP Basic or in the body,
 * never both; success and errors in RFC 6749 §5.1/§5.2 shape, with Cache-Control: no-store.
 */
export async function tokenRoute(app: Service, options: TokenRouteOptions): Promise<void> {
  // Encapsulated: only this route parses forms, so no other route widens its attack surface.
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (_request, body, done) => {
      const params = new URLSearchParams(body as string);
      const names = [...params.keys()];
      // RFC 6749 §3.2: request parameters must not be included more than once.
      if (new Set(names).size !== names.length) {
        return done(new OAuthError('invalid_request', 'A parameter is repeated.'), undefined);
      }
      done(null, Object.fromEntries(params));
    },
  );

  app.setErrorHandler((error, request, reply) => {
    const oauth = toOAuthError(error);
    // Anything else (a database outage, a bug) is the kit's problem+json 5xx.
    if (oauth === undefined) throw error;
    request.log.info({ oauthError: oauth.error }, 'token request refused');
    if (oauth.status === 401 && request.headers.authorization?.match(/^basic /i)) {
      reply.header('www-authenticate', 'Basic realm="groundwork", charset="UTF-8"');
    }
    return reply
      .code(oauth.status)
      .headers(NO_STORE)
      .send({ error: oauth.error, error_description: oauth.message });
  });

  app.post(
    '/v1/auth/token',
    {
      schema: {
        tags: ['auth'],
        summary: 'OAuth 2.0 client_credentials token for a service client (RFC 6749 §4.4)',
        description:
          'application/x-www-form-urlencoded (or JSON). Authenticate with HTTP Basic (client_secret_basic) or client_id and client_secret in the body (client_secret_post).',
        body: TokenRequest,
        response: {
          200: Type.Object({
            access_token: Type.String(),
            token_type: Type.Literal('Bearer'),
            expires_in: Type.Integer(),
            scope: Type.String(),
          }),
          400: OAuthErrorSchema,
          401: OAuthErrorSchema,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as TokenBody;
      if (body.grant_type !== 'client_credentials') {
        throw new OAuthError(
          'unsupported_grant_type',
          'Only client_credentials is supported here; users sign in at /v1/auth/login.',
        );
      }
      const issued = await options.issueClientToken(
        { ...clientCredentialsOf(request, body), scope: body.scope },
        options.auditContextOf(request),
      );
      return reply.headers(NO_STORE).send({
        access_token: issued.accessToken,
        token_type: 'Bearer' as const,
        expires_in: issued.expiresIn,
        scope: issued.scope.join(' '),
      });
    },
  );
}

function clientCredentialsOf(
  request: FastifyRequest,
  body: TokenBody,
): { clientId: string; clientSecret: string } {
  const basic = /^basic +([A-Za-z0-9+/=]+) *$/i.exec(request.headers.authorization ?? '')?.[1];
  const inBody = body.client_id !== undefined || body.client_secret !== undefined;
  if (basic !== undefined && inBody) {
    throw new OAuthError('invalid_request', 'Use one client authentication method, not two.');
  }
  if (basic !== undefined) {
    const decoded = Buffer.from(basic, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw new OAuthError('invalid_client', 'Malformed Basic credentials.', 401);
    // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
    const decode = (part: string) => decodeURIComponent(part.replaceAll('+', ' '));
    try {
      return {
        clientId: decode(decoded.slice(0, colon)),
        clientSecret: decode(decoded.slice(colon + 1)),
      };
    } catch {
      throw new OAuthError('invalid_client', 'Malformed Basic credentials.', 401);
    }
  }
  if (body.client_id === undefined || body.client_secret === undefined) {
    throw new OAuthError('invalid_client', 'Client authentication is required.', 401);
  }
  return { clientId: body.client_id, clientSecret: body.client_secret };
}

function toOAuthError(error: unknown): OAuthError | undefined {
  if (error instanceof OAuthError) return error;
  if (identityErrors.IDENTITY_INVALID_CLIENT.is(error)) {
    return new OAuthError('invalid_client', error.message, 401);
  }
  if (identityErrors.IDENTITY_INVALID_SCOPE.is(error)) {
    return new OAuthError('invalid_scope', error.message);
  }
  const fastifyError = error as Partial<FastifyError>;
  if (fastifyError.validation) {
    return new OAuthError(
      'invalid_request',
      'The request is missing a parameter or has an unknown one.',
    );
  }
  if (
    !isAppError(error) &&
    typeof fastifyError.statusCode === 'number' &&
    fastifyError.statusCode >= 400 &&
    fastifyError.statusCode < 500
  ) {
    return new OAuthError('invalid_request', fastifyError.message ?? 'The request is not valid.');
  }
  return undefined;
}
