import { mergedOpenApiDocument } from '@groundwork/gateway/openapi-document';

/**
 * The merged API document as the gateway serves it, built in this process from each app's own
 * wiring (no server listens, no database is queried). Which apps: every upstream of the gateway's
 * route table, each through its package's `./openapi-document` export, so a service added by
 * `turbo gen service` (or dropped from a project) needs no edit here.
 *
 * @throws {ServiceDocumentMissing} when a routed app exports no `openApiDocument()`.
 */
export async function generateApiDocument(): ReturnType<typeof mergedOpenApiDocument> {
  return mergedOpenApiDocument(serviceDocument);
}

/** A service the gateway routes to has no document to merge; the message is the whole story. */
export class ServiceDocumentMissing extends Error {
  constructor(app: string, cause?: unknown) {
    super(
      `the gateway routes to ${app}, but @groundwork/${app} has no "./openapi-document" export with an openApiDocument() function: add apps/${app}/src/openapi-document.ts and the export in apps/${app}/package.json, as apps/orders has them`,
      { cause },
    );
    this.name = 'ServiceDocumentMissing';
  }
}

/** One app's own OpenAPI document, from `@groundwork/<app>/openapi-document`. */
export async function serviceDocument(app: string): Promise<Record<string, unknown>> {
  const specifier = `@groundwork/${app}/openapi-document`;
  let module: { openApiDocument?: unknown };
  try {
    module = await import(specifier);
  } catch (error) {
    // Only the export itself missing is this error; a failure inside the app's modules is its own.
    if (isUnresolved(error, app)) throw new ServiceDocumentMissing(app, error);
    throw error;
  }
  if (typeof module.openApiDocument !== 'function') throw new ServiceDocumentMissing(app);
  return (await module.openApiDocument()) as Record<string, unknown>;
}

/**
 * The import failed because the specifier itself does not resolve: no such package, no such
 * file (a package without an `exports` map), or no `./openapi-document` in its `exports` map.
 * Node and Vite (under vitest) word these differently; both name the package as matched here.
 */
function isUnresolved(error: unknown, app: string): boolean {
  const message = String((error as { message?: unknown } | undefined)?.message);
  const name = `@groundwork/${app}`;
  return (
    message.includes(`'${name}'`) ||
    message.includes(`${name}/openapi-document'`) ||
    (message.includes(`${name}/package.json`) && message.includes('./openapi-document'))
  );
}
