import { isDeepStrictEqual } from 'node:util';

/** The parts of an OpenAPI 3.1 document the merge reads; everything else is carried as is. */
export interface OpenApiDocument {
  openapi: string;
  info: { title: string; version: string; description?: string };
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  tags?: { name: string; description?: string }[];
  security?: Record<string, string[]>[];
  servers?: unknown[];
  [extension: string]: unknown;
}

export interface ServiceDocument {
  /** The upstream's name, used in conflict messages. */
  readonly name: string;
  readonly document: OpenApiDocument;
  /** True for the paths the gateway routes to this service; the others (its probes) are left out. */
  readonly routes: (path: string) => boolean;
  /**
   * True for the paths the edge lets through only with an access token (the route table's
   * `token` access). Operations that state no requirement of their own then require
   * `bearerAuth`, and the others none, as the edge does; without it the service's document-wide
   * requirement is copied.
   */
  readonly requiresToken?: (path: string) => boolean;
}

/** The scheme the edge enforces: an ES256 access token from identity, as a bearer token. */
export const BEARER_AUTH = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } as const;

/** Two services describe the same thing differently: the merged document would lie about one. */
export class OpenApiConflict extends Error {
  readonly conflicts: readonly string[];

  constructor(conflicts: readonly string[]) {
    super(`OpenAPI documents conflict: ${conflicts.join('; ')}`);
    this.name = 'OpenApiConflict';
    this.conflicts = conflicts;
  }
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * One document for the whole API: the gateway's own (its info, health paths and components),
 * plus each service's paths that the gateway routes to it, and their components, tags and
 * security schemes. A component defined identically by several services (the shared `Problem`
 * schema, the bearer scheme) appears once; a path or a component name that two documents define
 * differently is a conflict, and all conflicts are reported together.
 *
 * Each operation without a `security` requirement of its own gets the one the edge enforces on
 * its path (`requiresToken`), or else its service's document-wide one, because in the merged
 * document the top level belongs to the gateway.
 *
 * @throws {OpenApiConflict}
 */
export function mergeOpenApi(
  gateway: OpenApiDocument,
  services: readonly ServiceDocument[],
): OpenApiDocument {
  const conflicts: string[] = [];
  const paths: Record<string, Record<string, unknown>> = { ...gateway.paths };
  const pathOwners = new Map(Object.keys(paths).map((path) => [path, 'gateway']));
  const components: Record<string, Record<string, unknown>> = {};
  const componentOwners = new Map<string, string>();
  const tags = new Map((gateway.tags ?? []).map((tag) => [tag.name, tag]));

  const addComponents = (owner: string, document: OpenApiDocument) => {
    for (const [section, entries] of Object.entries(document.components ?? {})) {
      const merged = components[section] ?? {};
      components[section] = merged;
      for (const [name, definition] of Object.entries(entries)) {
        const key = `components.${section}.${name}`;
        const existing = componentOwners.get(key);
        if (existing !== undefined && !isDeepStrictEqual(merged[name], definition)) {
          conflicts.push(`${key} is defined differently by ${existing} and ${owner}`);
          continue;
        }
        merged[name] = definition;
        componentOwners.set(key, existing ?? owner);
      }
    }
  };

  addComponents('gateway', gateway);
  if (services.some((service) => service.requiresToken !== undefined)) {
    addComponents('gateway', {
      ...gateway,
      components: { securitySchemes: { bearerAuth: BEARER_AUTH } },
    });
  }
  for (const { name, document, routes, requiresToken } of services) {
    if (!document.openapi?.startsWith('3.1.')) {
      conflicts.push(`${name} publishes OpenAPI ${document.openapi ?? '(none)'}, not 3.1`);
      continue;
    }
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (!routes(path)) continue;
      const owner = pathOwners.get(path);
      if (owner !== undefined) {
        conflicts.push(`path ${path} is described by both ${owner} and ${name}`);
        continue;
      }
      const security =
        requiresToken === undefined
          ? document.security
          : requiresToken(path)
            ? [{ bearerAuth: [] }]
            : [];
      paths[path] = withSecurity(item, security);
      pathOwners.set(path, name);
    }
    addComponents(name, document);
    for (const tag of document.tags ?? []) if (!tags.has(tag.name)) tags.set(tag.name, tag);
  }
  if (conflicts.length > 0) throw new OpenApiConflict(conflicts);

  const { servers: _servers, ...rest } = gateway;
  return {
    ...rest,
    paths: sortedByKey(paths),
    components: Object.fromEntries(
      Object.entries(components).map(([section, entries]) => [section, sortedByKey(entries)]),
    ),
    tags: [...tags.values()].sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function withSecurity(
  item: Record<string, unknown>,
  security: OpenApiDocument['security'],
): Record<string, unknown> {
  if (security === undefined) return item;
  const result: Record<string, unknown> = { ...item };
  for (const method of HTTP_METHODS) {
    const operation = item[method] as Record<string, unknown> | undefined;
    if (operation !== undefined && operation.security === undefined) {
      result[method] = { ...operation, security };
    }
  }
  return result;
}

/** Stable key order, so the merged document diffs cleanly against the committed one. */
function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
