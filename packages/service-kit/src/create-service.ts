import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { createLogger } from '@groundwork/logger';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  LogController,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { deprecation } from './deprecation.ts';
import { errorHandler } from './error-handler.ts';
import { health } from './health.ts';
import { loadShedding } from './load-shedding.ts';
import { docs, openApi } from './openapi.ts';
import { normaliseOptions, type ServiceOptions } from './options.ts';
import { requestId, requestIdFrom } from './request-id.ts';
import { requestLog } from './request-log.ts';
import { routeConventions } from './route-conventions.ts';
import { security } from './security.ts';
import { telemetry } from './telemetry.ts';

/** The Fastify instance every Groundwork app is built on: TypeBox types flow from route schemas. */
export type Service = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/**
 * Builds the Fastify instance every app starts from, with the platform concerns in place:
 * security headers and a CORS allowlist, request ids, body and time limits, load shedding,
 * problem+json errors, `/health/live` and `/health/ready`, `/metrics` (RED per route and process
 * metrics for Prometheus; route names on trace spans), and OpenAPI at `/openapi.json` and
 * `/docs`. Add the app's routes to it, then hand it to `startService`.
 *
 * Rate limiting belongs to the gateway: register `@fastify/rate-limit` on the returned instance
 * before the app's routes (the kit's own health and docs routes then stay unthrottled).
 *
 * @example
 * ```ts
 * const app = await createService({
 *   name: 'orders',
 *   corsOrigins: ['https://shop.example.com'],
 *   readinessChecks: [{ name: 'postgres', check: async () => { await pool.query('select 1'); } }],
 * });
 * app.get('/v1/products/:id', { schema: { params: Type.Object({ id: Type.String() }) } },
 *   async (request) => products.find(request.params.id));
 * ```
 */
export async function createService(options: ServiceOptions): Promise<Service> {
  const settings = normaliseOptions(options);
  const app = Fastify<
    RawServerDefault,
    RawRequestDefaultExpression,
    RawReplyDefaultExpression,
    FastifyBaseLogger
  >({
    loggerInstance:
      settings.logger ?? createLogger({ service: settings.name, level: settings.logLevel }),
    // Every request log line carries `requestId`, the name the other services' logs use too.
    // Fastify's two lines per request give way to the kit's one (request-log.ts).
    logController: new LogController({
      requestIdLogLabel: 'requestId',
      disableRequestLogging: true,
    }),
    genReqId: requestIdFrom,
    bodyLimit: settings.bodyLimitBytes,
    requestTimeout: settings.requestTimeoutMs,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Fastify's own "closing" 503 is plain JSON without security headers. During a drain the kit
    // instead serves requests that still arrive on open connections and closes each connection
    // after its response (see health.ts), so clients retry on another instance without an error.
    return503OnClosing: false,
    ajv: {
      customOptions: {
        // Report every failing field, not only the first. Costlier on hostile input, which the
        // body limit bounds; schemas should still cap string lengths and array sizes.
        allErrors: true,
        // A schema with `additionalProperties: false` rejects unknown fields with a 400 naming
        // them, instead of Fastify's default of silently dropping them: a typo in a client's
        // field name should fail loudly, not be ignored.
        removeAdditional: false,
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Only JSON bodies by default: text/plain is a CORS "simple" type that skips the preflight,
  // so accepting it would let any web page post to the API. Apps that need more types add them.
  app.removeContentTypeParser('text/plain');

  // The order matters. Ecosystem plugins first: helmet and CORS hooks run before load shedding,
  // so shed requests still carry security headers, and the OpenAPI collector sees every route.
  await app.register(security, { corsOrigins: settings.corsOrigins });
  await app.register(loadShedding, settings.loadShedding);
  await app.register(openApi, {
    title: settings.name,
    version: settings.version,
    description: settings.description,
  });
  // Then the kit's own plugins. The error handler comes before any route because a route keeps
  // the error handler that was in place when it was declared.
  await app.register(errorHandler);
  await app.register(requestId);
  await app.register(requestLog);
  if (settings.routeConventions) await app.register(routeConventions);
  await app.register(deprecation);
  await app.register(telemetry, { metrics: settings.metrics });
  await app.register(health, { readinessChecks: settings.readinessChecks });
  if (settings.docs) await app.register(docs);
  // Rate limiting (gateway) is registered by its owner on the returned instance; nothing here
  // pretends to provide it.
  return app;
}
