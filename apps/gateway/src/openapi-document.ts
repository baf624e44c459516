import { createLogger } from '@groundwork/logger';
import { buildApp } from './app.ts';
import { loadGatewayConfig } from './config.ts';
import { mergeOpenApi, type OpenApiDocument } from './openapi-merge.ts';
import { covers, ROUTE_TABLE, type UpstreamName } from './route-table.ts';

/**
 * The document `/openapi.json` serves, built offline from the services' own documents: the
 * gateway is wired from the default config and made ready, but never listens (its edge Redis
 * client connects and is closed), and the same merge runs over the same route table. `npm run api:check`
 * compares it with `docs/api/openapi.json`.
 *
 * @throws {import('./openapi-merge.ts').OpenApiConflict} when two documents disagree.
 */
export async function mergedOpenApiDocument(
  services: Readonly<Record<UpstreamName, Record<string, unknown>>>,
): Promise<OpenApiDocument> {
  const app = await buildApp({
    config: loadGatewayConfig({}),
    logger: createLogger({ service: 'gateway', level: 'silent' }),
  });
  try {
    await app.ready();
    return mergeOpenApi(
      app.swagger() as unknown as OpenApiDocument,
      Object.entries(services).map(([name, document]) => ({
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
