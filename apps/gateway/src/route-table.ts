/** The services behind the gateway; each has its own connection pool and breaker. */
export const UPSTREAMS = ['identity', 'orders'] as const;
export type UpstreamName = (typeof UPSTREAMS)[number];

/**
 * - `public`: passes the edge without a token (the service still decides).
 * - `token`: needs a valid access token at the edge, and again in the service.
 */
export type Access = 'public' | 'token';

/**
 * - `auth`: the strict per-IP limit for credential endpoints (brute force, credential stuffing).
 * - `standard`: the per-user limit, per IP for anonymous callers.
 */
export type RateLimitClass = 'auth' | 'standard';

/**
 * One row of a route table. `Upstream` is the set of names the table may send traffic to: the
 * project's `UpstreamName` for `ROUTE_TABLE`, any name a test gives its own fixture upstreams.
 */
export interface RouteEntry<Upstream extends string = string> {
  /** A path prefix on a segment boundary: `/v1/orders` matches `/v1/orders` and `/v1/orders/…`. */
  readonly prefix: string;
  readonly upstream: Upstream;
  readonly access: Access;
  readonly rateLimit: RateLimitClass;
}

/**
 * Which service answers which paths, and what the edge asks of a caller first. Public entries are
 * exactly the ones a caller needs before it can hold a token: credential exchange under
 * `/v1/auth` and the issuer's metadata under `/.well-known`. Catalog reads are not public: products
 * belong to an organization, and only a token says which (see ADR 0003).
 */
export const ROUTE_TABLE: readonly RouteEntry<UpstreamName>[] = [
  { prefix: '/v1/auth', upstream: 'identity', access: 'public', rateLimit: 'auth' },
  { prefix: '/.well-known', upstream: 'identity', access: 'public', rateLimit: 'standard' },
  { prefix: '/v1/users', upstream: 'identity', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/organizations', upstream: 'identity', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/products', upstream: 'orders', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/orders', upstream: 'orders', access: 'token', rateLimit: 'standard' },
  { prefix: '/graphql', upstream: 'orders', access: 'token', rateLimit: 'standard' },
];

const PREFIX = /^(\/[A-Za-z0-9._~-]+)+$/;

/**
 * Refuses a table the router could not serve unambiguously: a malformed prefix, an upstream that
 * is not among `upstreams` (the names the gateway has an origin for), or two prefixes where one
 * contains the other (which entry would win is then a property of the router, not of the table).
 * Called once at boot.
 */
export function checkRouteTable<Table extends readonly RouteEntry[]>(
  table: Table,
  upstreams: readonly string[] = UPSTREAMS,
): Table {
  for (const entry of table) {
    if (!PREFIX.test(entry.prefix)) {
      throw new TypeError(`route table: "${entry.prefix}" is not a path prefix like /v1/orders`);
    }
    if (!upstreams.includes(entry.upstream)) {
      throw new TypeError(`route table: ${entry.prefix} names unknown upstream ${entry.upstream}`);
    }
  }
  for (const entry of table) {
    const overlapping = table.find(
      (other) => other !== entry && covers(other.prefix, entry.prefix),
    );
    if (overlapping !== undefined) {
      throw new TypeError(
        `route table: ${overlapping.prefix} and ${entry.prefix} overlap; keep prefixes disjoint`,
      );
    }
  }
  return table;
}

/** True when `path` is `prefix` itself or lies below it, on a segment boundary. */
export function covers(prefix: string, path: string): boolean {
  return path === prefix || path.startsWith(`${prefix}/`);
}

/** The entry that routes `path`, if any: used to attribute upstream OpenAPI paths. */
export function routeFor(table: readonly RouteEntry[], path: string): RouteEntry | undefined {
  return table.find((entry) => covers(entry.prefix, path));
}
