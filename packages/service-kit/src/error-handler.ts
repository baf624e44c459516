import {
  AppError,
  commonErrors,
  type ErrorDefinition,
  type FieldError,
  PROBLEM_CONTENT_TYPE,
  type Problem,
  toProblem,
} from '@groundwork/errors';
import { traceFields } from '@groundwork/logger';
import type { FastifyError, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

// Fastify and its plugins report client mistakes as errors with a 4xx statusCode and an FST_ code.
// Each status maps to the catalogue entry a client can act on; unlisted 4xx are malformed requests.
const specByStatus: ReadonlyMap<number, ErrorDefinition> = new Map<number, ErrorDefinition>([
  [401, commonErrors.UNAUTHENTICATED],
  [403, commonErrors.FORBIDDEN],
  [404, commonErrors.ROUTE_NOT_FOUND],
  [409, commonErrors.CONFLICT],
  [412, commonErrors.PRECONDITION_FAILED],
  [413, commonErrors.PAYLOAD_TOO_LARGE],
  [415, commonErrors.UNSUPPORTED_MEDIA_TYPE],
  [429, commonErrors.RATE_LIMITED],
]);

/**
 * Turns what Fastify throws into the AppError a client should see. Anything that is neither an
 * AppError nor a recognised client error stays as it is, and `toProblem` answers it with a
 * generic 500: its message and stack go to the log, never to the client.
 */
export function toAppError(error: unknown, request: FastifyRequest): unknown {
  if (error instanceof AppError || !isFastifyClientError(error)) return error;
  if (error.validation) {
    return commonErrors.VALIDATION_FAILED.create('The request has invalid fields.', {
      cause: error,
      fields: fieldErrorsOf(error),
    });
  }
  if (error.statusCode === 413) {
    return commonErrors.PAYLOAD_TOO_LARGE.create(
      `The request body is larger than ${request.routeOptions.bodyLimit} bytes.`,
      { cause: error },
    );
  }
  if (error.statusCode === 415) {
    return commonErrors.UNSUPPORTED_MEDIA_TYPE.create(
      'The request Content-Type is not accepted here; send application/json.',
      { cause: error },
    );
  }
  const spec = specByStatus.get(error.statusCode) ?? commonErrors.MALFORMED_REQUEST;
  // Fastify's client-error messages describe the request, not the server, so they are safe to show.
  return spec.create(error.message, { cause: error });
}

function isFastifyClientError(error: unknown): error is FastifyError & { statusCode: number } {
  if (!(error instanceof Error)) return false;
  const { code, statusCode } = error as Partial<FastifyError>;
  return (
    typeof code === 'string' &&
    code.startsWith('FST_') &&
    typeof statusCode === 'number' &&
    statusCode >= 400 &&
    statusCode < 500
  );
}

/** One entry per failing field, as a JSON pointer into the request: `/body/email`, `/query/limit`. */
export function fieldErrorsOf(error: FastifyError): FieldError[] {
  const part =
    error.validationContext === 'querystring' ? 'query' : (error.validationContext ?? 'body');
  return (error.validation ?? []).map((issue) => {
    // For a missing or an unknown property Ajv points at the parent object; name the property.
    const property = issue.params.missingProperty ?? issue.params.additionalProperty;
    const pointer =
      typeof property === 'string'
        ? `${issue.instancePath}/${escapePointerToken(property)}`
        : issue.instancePath;
    const message =
      issue.keyword === 'additionalProperties' ? 'is not a known property' : issue.message;
    return { field: `/${part}${pointer}`, message: message ?? 'is invalid' };
  });
}

function escapePointerToken(token: string): string {
  return token.replaceAll('~', '~0').replaceAll('/', '~1');
}

/**
 * The problem+json body for `error`, tied to this request by its path, its request id and, when
 * tracing is on, the trace an operator opens to see what failed where.
 */
export function problemFor(error: unknown, request: FastifyRequest): Problem {
  const { traceId } = traceFields();
  return toProblem(error, {
    // The path only: query strings can carry tokens and do not identify the occurrence.
    instance: pathOf(request),
    requestId: request.id,
    ...(traceId === undefined ? {} : { traceId }),
  });
}

function pathOf(request: FastifyRequest): string {
  return request.url.split('?', 1)[0] ?? request.url;
}

function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const appError = toAppError(error, request);
  const problem = problemFor(appError, request);
  if (problem.status >= 500) {
    request.log.error({ err: error, problem: { code: problem.code } }, 'request failed');
  } else {
    request.log.info(
      { problem: { status: problem.status, code: problem.code } },
      'request refused',
    );
  }
  if (appError instanceof AppError && appError.retryAfterSeconds !== undefined) {
    reply.header('retry-after', String(appError.retryAfterSeconds));
  }
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

const handleErrors: FastifyPluginAsync = async (app) => {
  app.setErrorHandler((error, request, reply) => sendProblem(error, request, reply));
  app.setNotFoundHandler((request) => {
    throw commonErrors.ROUTE_NOT_FOUND.create(
      `No route matches ${request.method} ${pathOf(request)}.`,
    );
  });
};

/**
 * Every failure leaves as RFC 9457 problem+json through `toProblem` from @groundwork/errors:
 * validation errors list each field, unknown routes are 404s, and a 500 shows neither the
 * message nor the stack of what went wrong.
 */
export const errorHandler = fp(handleErrors, {
  name: '@groundwork/service-kit/error-handler',
  fastify: '5.x',
});
