import { problemSchema } from '@groundwork/errors';
import Type from 'typebox';

/** Hypermedia links are paths, like identity's: `self`, `next`, and actions (POST) by name. */
export const Link = Type.String({ description: 'A path on this API' });

export const Timestamp = Type.String({ format: 'date-time' });

export const CollectionLinks = Type.Object({
  self: Link,
  next: Type.Optional(Type.String({ description: 'The next page; absent on the last one' })),
});

export const IdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

/**
 * `limit`, `cursor`, `sort` and `filter[field]` / `filter[field][op]`. The filter fields and sort
 * keys are checked against each collection's whitelist by `parseFilter` and `parseSort`; any other
 * parameter is refused here.
 */
export const ListQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Page size; larger values are cut to 100' }),
    ),
    cursor: Type.Optional(
      Type.String({ maxLength: 2048, description: "The previous page's nextCursor" }),
    ),
    sort: Type.Optional(
      Type.String({
        maxLength: 200,
        description: 'Comma-separated fields, `-` for descending: `-createdAt,name`',
      }),
    ),
  },
  {
    additionalProperties: false,
    patternProperties: {
      '^filter\\[[^\\]]+\\](\\[[^\\]]+\\])?$': Type.String({ maxLength: 500 }),
    },
  },
);

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      pattern: '^(\\*|"[1-9][0-9]{0,9}")$',
      description: 'The ETag the change is based on; a stale one is refused with 412',
    }),
  ),
  traceparent: Type.Optional(Type.String()),
});

export const IfNoneMatchHeaders = Type.Object({
  'if-none-match': Type.Optional(Type.String({ maxLength: 1000 })),
});

export const NotModified = Type.Null({ description: 'Not modified: the ETag is current' });
export const NoContent = Type.Null({ description: 'Done; no body' });

/** RFC 9457 problem details, as the service kit answers every error. */
export const Problem = Type.Object(problemSchema.properties, {
  additionalProperties: false,
  description: 'application/problem+json (RFC 9457)',
});

/** The problem responses a route documents, by status. */
export function problems(...statuses: number[]): Record<number, typeof Problem> {
  return Object.fromEntries(statuses.map((status) => [status, Problem]));
}
