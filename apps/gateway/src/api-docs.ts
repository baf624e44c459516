// The kit registers @fastify/swagger; this brings its types (`schema.hide`, `app.swagger()`).
import type {} from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import { gatewayErrors } from './gateway-errors.ts';
import { mergeOpenApi, OpenApiConflict, type OpenApiDocument } from './openapi-merge.ts';

export interface DocumentedUpstream {
  readonly name: string;
  /** The upstream's origin; its document is at `/openapi.json`. */
  readonly url: string;
  /** True for the paths the gateway routes to this upstream. */
  readonly routes: (path: string) => boolean;
  /** True for the paths the edge lets through only with an access token. */
  readonly requiresToken?: (path: string) => boolean;
}

export interface ApiDocsOptions {
  readonly upstreams: readonly DocumentedUpstream[];
  /** How long a merged document is served before the services are asked again. */
  readonly ttlMs: number;
  /** Longest wait for one service's document. */
  readonly fetchTimeoutMs: number;
}

function unavailable(detail: string, cause: unknown) {
  return gatewayErrors.GATEWAY_API_DOCS_UNAVAILABLE.create(detail, {
    cause,
    retryAfterSeconds: 10,
  });
}

/**
 * `/openapi.json`: one OpenAPI 3.1 document for the API behind the gateway, merged from each
 * service's own `/openapi.json` (only the paths the gateway routes to it) and the gateway's own
 * routes; `/docs`: Swagger UI for it. Conflicting definitions are an error, never silently merged.
 */
export const apiDocs: FastifyPluginAsync<ApiDocsOptions> = async (app, options) => {
  let merged: { document: OpenApiDocument; at: number } | undefined;
  let refreshing: Promise<OpenApiDocument> | undefined;

  async function fetchDocument(upstream: DocumentedUpstream): Promise<OpenApiDocument> {
    const response = await fetch(new URL('/openapi.json', upstream.url), {
      signal: AbortSignal.timeout(options.fetchTimeoutMs),
      headers: { accept: 'application/json' },
    });
    if (!response.ok) throw new Error(`${upstream.name} answered ${response.status}`);
    return (await response.json()) as OpenApiDocument;
  }

  async function refresh(): Promise<OpenApiDocument> {
    const documents = await Promise.all(
      options.upstreams.map(async (upstream) => {
        try {
          return { ...upstream, document: await fetchDocument(upstream) };
        } catch (error) {
          throw unavailable(`The API description of ${upstream.name} could not be fetched.`, error);
        }
      }),
    );
    try {
      const document = mergeOpenApi(app.swagger() as unknown as OpenApiDocument, documents);
      merged = { document, at: Date.now() };
      return document;
    } catch (error) {
      if (!(error instanceof OpenApiConflict)) throw error;
      throw unavailable(`The API descriptions conflict: ${error.conflicts.join('; ')}.`, error);
    }
  }

  /**
   * The merged document, refreshed once `ttlMs` has passed (one refresh at a time). If a refresh
   * fails, the last good document is served and the failure logged; with none yet, it is a 503.
   */
  async function current(): Promise<OpenApiDocument> {
    if (merged !== undefined && Date.now() - merged.at < options.ttlMs) return merged.document;
    refreshing ??= refresh().finally(() => {
      refreshing = undefined;
    });
    try {
      return await refreshing;
    } catch (error) {
      if (merged === undefined) throw error;
      app.log.error({ err: error }, 'OpenAPI refresh failed; serving the last merged document');
      return merged.document;
    }
  }

  app.get('/openapi.json', { schema: { hide: true } }, current);

  await app.register(swaggerUi, {
    routePrefix: '/docs',
    // The UI is an HTML page with scripts and styles: it gets its own policy instead of the
    // API's `default-src 'none'`, as in the services.
    staticCSP: true,
    // The UI reads its document from /docs/json; that route answers with the merged document,
    // which the hook has made current before the (synchronous) transform runs.
    uiHooks: {
      preHandler: async (request) => {
        if (request.url.startsWith('/docs/json')) await current();
      },
    },
    transformSpecificationClone: false,
    transformSpecification: () => merged?.document ?? {},
  });
};
