import { createLogger } from '@groundwork/logger';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';
import { mergeOpenApi, type OpenApiDocument } from './openapi-merge.ts';
import { covers, ROUTE_TABLE, UPSTREAMS, type UpstreamName } from './route-table.ts';

/**
 * The document `/openapi.json` serves, built offline from the services' own documents: the
 * gateway is wired from the default config and made ready, but never listens (its edge Redis
 * client connects and is closed), and the same merge runs over the same route table. `npm run api:check`
 * compares it with `docs/api/openapi.json`.
 *
 * `documentOf` gives one upstream's document; it is asked for every name in `UPSTREAMS`, so a
 * service added to (or dropped from) the route table needs no edit here or in the caller.
 *
 * @throws {import('./openapi-merge.ts').OpenApiConflict} when two documents disagree.
 * @example
 * const merged = await mergedOpenApiDocument(async (upstream) => {
 *   const { openApiDocument } = await import(`@groundwork/${upstream}/openapi-document`);
 *   return openApiDocument();
 * });
 */
export async function mergedOpenApiDocument(
  documentOf: (upstream: UpstreamName) => Promise<Record<string, unknown>>,
): Promise<OpenApiDocument> {
  // Before the gateway is built: a service without a document fails with nothing open to close.
  const services = await Promise.all(
    UPSTREAMS.map(async (name) => ({ name, document: await documentOf(name) })),
  );
  const app = await buildApp({
    config: loadGatewayConfig({}),
    logger: createLogger({ service: 'gateway', level: 'silent' }),
  });
  try {
    await app.ready();
    return mergeOpenApi(
      app.swagger() as unknown as OpenApiDocument,
      services.map(({ name, document }) => ({
        name,
        // As fetched at runtime: the merge checks what it relies on (OpenAPI 3.1).
        document: document as OpenApiDocument,
        routes: (path: string) =>
          ROUTE_TABLE.some((entry) => entry.upstream === name && covers(entry.prefix, path)),
        requiresToken: (path: string) =>
          ROUTE_TABLE.some(
            (entry) =>
              entry.upstream === name && entry.access === 'token' && covers(entry.prefix, path),
          ),
      })),
    );
  } finally {
    await app.close();
  }
}
