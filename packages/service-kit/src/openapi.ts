import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

export interface OpenApiOptions {
  title: string;
  version: string;
  description: string | undefined;
}

const collectOpenApi: FastifyPluginAsync<OpenApiOptions> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        ...(options.description ? { description: options.description } : {}),
      },
      tags: [{ name: 'health', description: 'Liveness and readiness probes' }],
    },
  });
};

/**
 * Builds the OpenAPI 3.1 document from the route schemas. Register it before any route: it
 * collects routes as they are added, so the TypeBox schemas that validate requests are the
 * ones the document shows.
 */
export const openApi = fp(collectOpenApi, {
  name: '@groundwork/service-kit/openapi',
  fastify: '5.x',
});

const serveDocs: FastifyPluginAsync = async (app) => {
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The UI is an HTML page with scripts and styles: it gets its own policy instead of the
    // API's `default-src 'none'`.
    staticCSP: true,
  });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
};

/** Serves the document at `/openapi.json` and Swagger UI at `/docs`. */
export const docs = fp(serveDocs, {
  name: '@groundwork/service-kit/docs',
  fastify: '5.x',
  dependencies: ['@groundwork/service-kit/openapi'],
});
