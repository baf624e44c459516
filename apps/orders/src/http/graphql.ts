import { isAppError, problemTypeOf } from '@groundwork/errors';
import type { Service } from '@groundwork/service-kit';
import DataLoader from 'dataloader';
import type { FastifyReply } from 'fastify';
import { type ExecutionResult, GraphQLError } from 'graphql';
// mercurius is CommonJS: Node sees only its default export.
import mercurius from 'mercurius';
import { checkCost, type GraphqlLimits } from './graphql-limits.ts';
import {
  createResolvers,
  type GraphqlContext,
  type GraphqlDeps,
  ordersSchema,
} from './graphql-schema.ts';
import { traceparentOf } from './trace-context.ts';

/**
 * GraphQL at POST /graphql, inside the authenticated scope: the same token checks, tenancy and
 * permissions as REST. Depth and cost limits refuse expensive queries before they run; each
 * request gets fresh DataLoaders, so batching never mixes callers or tenants.
 */
export interface GraphqlOptions extends GraphqlDeps {
  readonly limits: GraphqlLimits;
}

export async function graphql(app: Service, options: GraphqlOptions): Promise<void> {
  const { limits, ...deps } = options;
  await app.register(mercurius, {
    schema: ordersSchema,
    resolvers: createResolvers(deps),
    path: '/graphql',
    graphiql: false,
    queryDepth: limits.maxDepth,
    // Lazy: mercurius also builds the context to report errors raised before GraphQL runs,
    // when a request without a valid token has no principal.
    context: (request): GraphqlContext => ({
      get principal() {
        return request.principal;
      },
      traceparent: traceparentOf(request.headers.traceparent),
      loaders: {
        linesOf: new DataLoader(async (orderIds: readonly string[]) => {
          const lines = await deps.orders.linesOf(orderIds);
          return orderIds.map((id) => lines.get(id) ?? []);
        }),
        product: new DataLoader(async (ids: readonly string[]) => {
          const found = new Map((await deps.products.findMany(ids)).map((p) => [p.id, p]));
          return ids.map((id) => found.get(id));
        }),
      },
    }),
    // A request refused before GraphQL runs (no token, an invalid one) goes on to the service
    // kit's handler, so /graphql answers 401 with problem+json like every other route.
    errorHandler: async (error, _request, reply) => {
      if (isAppError(error)) throw error;
      const { statusCode, response } = formatErrors(
        { errors: [new GraphQLError(error.message, { originalError: error })] },
        reply,
      );
      await reply.code(statusCode).send(response);
    },
    errorFormatter: (execution, context) => formatErrors(execution, context.reply),
  });
  app.graphql.addHook('preExecution', async (schema, document, _context, variables) => {
    checkCost(schema, document, variables, limits.maxCost);
  });
}

/**
 * The query's own mistakes (syntax, validation, depth, cost) are shown as they are; domain errors
 * keep their detail and stable code, as problem+json does; anything else is an internal error
 * whose details go to the log only.
 */
function formatErrors(
  execution: ExecutionResult & { errors: readonly GraphQLError[] },
  reply: FastifyReply,
) {
  const errors = execution.errors.map((error) => {
    const cause = error.originalError as (Error & { statusCode?: number }) | undefined;
    if (cause === undefined || cause instanceof GraphQLError || (cause.statusCode ?? 500) < 500) {
      return error;
    }
    const at = { nodes: error.nodes, path: error.path };
    if (isAppError(cause) && cause.kind !== 'internal') {
      return new GraphQLError(cause.message, {
        ...at,
        extensions: { code: cause.code, type: problemTypeOf(cause.code) },
      });
    }
    reply.request.log.error({ err: cause }, 'graphql resolver failed');
    return new GraphQLError('Internal error', { ...at, extensions: { code: 'INTERNAL' } });
  });
  return mercurius.defaultErrorFormatter({ ...execution, errors }, {
    reply,
    app: reply.server,
  } as never);
}
