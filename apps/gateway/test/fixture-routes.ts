import type { RouteEntry } from '../src/route-table.ts';

/**
 * A route table shaped like the examples' (credential exchange and issuer metadata public, the
 * rest behind a token, `/v1/auth` on the strict limit) over two fixture upstreams labelled
 * `identity` and `orders`. The tests of the gateway's own mechanics (edge auth, rate limits,
 * proxying) run on it instead of `ROUTE_TABLE`, so they pass whichever services a project keeps;
 * the project's own table is checked by route-table.test.ts and the route walk in
 * proxy.int.test.ts.
 */
export const FIXTURE_ROUTES: readonly RouteEntry[] = [
  { prefix: '/v1/auth', upstream: 'identity', access: 'public', rateLimit: 'auth' },
  { prefix: '/.well-known', upstream: 'identity', access: 'public', rateLimit: 'standard' },
  { prefix: '/v1/users', upstream: 'identity', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/organizations', upstream: 'identity', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/products', upstream: 'orders', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/orders', upstream: 'orders', access: 'token', rateLimit: 'standard' },
  { prefix: '/graphql', upstream: 'orders', access: 'token', rateLimit: 'standard' },
];

/** `buildTestGateway`'s `routes` and `upstreams` for FIXTURE_ROUTES on the two fixtures. */
export function fixtureRouting(identity: { url: string }, orders: { url: string }) {
  return { routes: FIXTURE_ROUTES, upstreams: { identity: identity.url, orders: orders.url } };
}
