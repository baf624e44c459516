import Type, { type Static } from 'typebox';
import { AppError, type ErrorKind } from './app-error.ts';
import { commonErrors } from './common-errors.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

const STATUS_BY_KIND: Readonly<Record<ErrorKind, number>> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  unprocessable: 422,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  bad_gateway: 502,
  unavailable: 503,
  timeout: 504,
};

/** The one place where a kind of failure becomes an HTTP status. */
export function httpStatusOf(kind: ErrorKind): number {
  return STATUS_BY_KIND[kind];
}

/** RFC 9457 problem details, as every Groundwork service answers an error. */
export const problemSchema = Type.Object(
  {
    type: Type.String({ description: 'URI naming the problem type' }),
    title: Type.String(),
    status: Type.Integer({ minimum: 400, maximum: 599 }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String({ description: 'The request path that failed' })),
    code: Type.String({ description: 'Stable SCREAMING_SNAKE error code' }),
    requestId: Type.Optional(Type.String()),
    traceId: Type.Optional(Type.String()),
    errors: Type.Optional(
      Type.Array(
        Type.Object({
          field: Type.String({ description: 'JSON pointer into the request, e.g. /body/email' }),
          message: Type.String(),
        }),
      ),
    ),
  },
  { $id: 'Problem', title: 'Problem', additionalProperties: false },
);

export type Problem = Static<typeof problemSchema>;

export interface ProblemContext {
  readonly instance?: string;
  readonly requestId?: string;
  readonly traceId?: string;
}

/**
 * Maps any thrown value to problem details. An `AppError` keeps its code, title and detail; anything
 * else is an unexpected failure and becomes a generic 500 that reveals nothing about the cause.
 *
 * @example
 * const problem = toProblem(error, { instance: request.url, requestId: request.id });
 * reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
 */
export function toProblem(error: unknown, context: ProblemContext = {}): Problem {
  const known =
    error instanceof AppError && error.kind !== 'internal' ? error : commonErrors.INTERNAL.create();
  const problem: Problem = {
    type: problemTypeOf(known.code),
    title: known.title,
    status: httpStatusOf(known.kind),
    detail: known.message,
    code: known.code,
  };
  if (context.instance !== undefined) problem.instance = context.instance;
  if (context.requestId !== undefined) problem.requestId = context.requestId;
  if (context.traceId !== undefined) problem.traceId = context.traceId;
  if (known.fields !== undefined && known.fields.length > 0) {
    problem.errors = known.fields.map(({ field, message }) => ({ field, message }));
  }
  return problem;
}

/** A URN rather than a made-up web address: stable, unique, and honest about not being a page. */
export function problemTypeOf(code: string): string {
  return `urn:groundwork:problem:${code.toLowerCase().replaceAll('_', '-')}`;
}
