import type { Service } from '@groundwork/service-kit';
import Type from 'typebox';
import type { makeLogIn } from '../use-cases/log-in.ts';
import type { makeLogOut } from '../use-cases/log-out.ts';
import type { makeRefreshSession } from '../use-cases/refresh-session.ts';
import type { makeRegisterUser } from '../use-cases/register-user.ts';
import type { AuditContextOf } from './request-context.ts';
import {
  Email,
  NO_STORE,
  Password,
  problems,
  SessionTokensSchema,
  sessionTokensJson,
  Timestamp,
  Uuid,
} from './schemas.ts';

export interface AuthRoutesOptions {
  readonly registerUser: ReturnType<typeof makeRegisterUser>;
  readonly logIn: ReturnType<typeof makeLogIn>;
  readonly refreshSession: ReturnType<typeof makeRefreshSession>;
  readonly logOut: ReturnType<typeof makeLogOut>;
  readonly auditContextOf: AuditContextOf;
}

const RefreshToken = Type.String({ minLength: 1, maxLength: 200 });

/** Sign-up, sign-in, refresh and logout: public routes, the credentials are in the body. */
export async function authRoutes(app: Service, options: AuthRoutesOptions): Promise<void> {
  const { auditContextOf } = options;

  app.post(
    '/v1/auth/register',
    {
      schema: {
        tags: ['auth'],
        summary: 'Create an account',
        body: Type.Object(
          {
            email: Email,
            password: Password,
            displayName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Uuid,
            email: Type.String(),
            displayName: Type.Union([Type.String(), Type.Null()]),
            createdAt: Timestamp,
          }),
          ...problems(400, 409),
        },
      },
    },
    async (request, reply) => {
      const user = await options.registerUser(request.body, auditContextOf(request));
      return reply
        .code(201)
        .header('location', '/v1/users/me')
        .send({ ...user, createdAt: user.createdAt.toISOString() });
    },
  );

  app.post(
    '/v1/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Sign in with email and password',
        description:
          'Every failure is the same 401 IDENTITY_INVALID_CREDENTIALS. After 10 failures in 15 minutes for an account or an IP, 429 with Retry-After.',
        body: Type.Object(
          {
            email: Email,
            password: Password,
            organizationId: Type.Optional(Uuid),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionTokensSchema, ...problems(400, 401, 403, 429) },
      },
    },
    async (request, reply) => {
      const tokens = await options.logIn(request.body, auditContextOf(request));
      return reply.headers(NO_STORE).send(sessionTokensJson(tokens));
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      schema: {
        tags: ['auth'],
        summary: 'Exchange a refresh token for new tokens (rotation)',
        description:
          'Each refresh token works once. Presenting a spent one revokes the whole session. `organizationId` switches the organization the tokens act for (null: none).',
        body: Type.Object(
          {
            refreshToken: RefreshToken,
            organizationId: Type.Optional(Type.Union([Uuid, Type.Null()])),
          },
          { additionalProperties: false },
        ),
        response: { 200: SessionTokensSchema, ...problems(400, 401, 403) },
      },
    },
    async (request, reply) => {
      const tokens = await options.refreshSession(request.body, auditContextOf(request));
      return reply.headers(NO_STORE).send(sessionTokensJson(tokens));
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        tags: ['auth'],
        summary: 'End the session of a refresh token',
        description:
          'Revokes the session and denies its access tokens everywhere. 204 whether or not the token was known.',
        body: Type.Object({ refreshToken: RefreshToken }, { additionalProperties: false }),
        response: { 204: Type.Null(), ...problems(400) },
      },
    },
    async (request, reply) => {
      await options.logOut(request.body, auditContextOf(request));
      return reply.code(204).send(null);
    },
  );
}
