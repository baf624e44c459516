import { problemSchema } from '@groundwork/errors';
import Type from 'typebox';
import { PASSWORD_MAX_LENGTH } from '../domain/password-policy.ts';
import type { SessionTokens } from '../use-cases/issue-session-tokens.ts';

/** Problem details as a response schema (the kit's error handler sends them). */
const Problem = Type.Object(problemSchema.properties, {
  title: 'Problem',
  additionalProperties: false,
});

/** Documented error responses, by status: each route lists those it can answer. */
export function problems(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(statuses.map((status) => [status, Problem]));
}

export const Uuid = Type.String({ format: 'uuid' });
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/**
 * The policy (12..128 characters, counted after normalization) is the use case's; the schema
 * only bounds what a request may carry. 4 bytes per character at most.
 */
export const Password = Type.String({ minLength: 1, maxLength: PASSWORD_MAX_LENGTH * 4 });
/** The roles of @groundwork/auth's ROLES, most powerful first. */
export const RoleSchema = Type.Union([
  Type.Literal('owner'),
  Type.Literal('admin'),
  Type.Literal('member'),
  Type.Literal('viewer'),
]);
export const Timestamp = Type.String({ format: 'date-time' });

export const OrgParams = Type.Object({ orgId: Uuid }, { additionalProperties: false });
export const MemberParams = Type.Object(
  { orgId: Uuid, userId: Uuid },
  { additionalProperties: false },
);

/** `?limit=&cursor=&sort=` plus `filter[field]` / `filter[field][op]` (checked by parseFilter). */
export const ListQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Page size, at most 100' })),
    cursor: Type.Optional(Type.String({ maxLength: 1024 })),
    sort: Type.Optional(Type.String({ maxLength: 200, description: 'e.g. -createdAt' })),
  },
  {
    additionalProperties: false,
    patternProperties: { '^filter\\[[A-Za-z]+\\](\\[[A-Za-z]+\\])?$': Type.String() },
  },
);

export const CollectionLinks = Type.Object({
  self: Type.String(),
  next: Type.Optional(Type.String()),
});

/** The tokens of a sign-in or a refresh; camelCase like the rest of the API. */
export const SessionTokensSchema = Type.Object({
  accessToken: Type.String(),
  tokenType: Type.Literal('Bearer'),
  expiresIn: Type.Integer({ description: 'Seconds until the access token expires' }),
  refreshToken: Type.String({ description: 'Opaque, single use: each refresh returns a new one' }),
  refreshTokenExpiresAt: Timestamp,
  organizationId: Type.Union([Uuid, Type.Null()]),
  roles: Type.Array(RoleSchema),
});

/** Dates travel as ISO 8601 strings. */
export function sessionTokensJson(tokens: SessionTokens) {
  return {
    ...tokens,
    roles: [...tokens.roles],
    refreshTokenExpiresAt: tokens.refreshTokenExpiresAt.toISOString(),
  };
}

/** RFC 6749 §5.1: token responses must not be cached by anyone. */
export const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' } as const;
