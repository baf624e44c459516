import { describe, expect, test } from 'vitest';
import {
  checkRouteTable,
  covers,
  ROUTE_TABLE,
  type RouteEntry,
  routeFor,
  UPSTREAMS,
} from './route-table.ts';

// `catalog` is no app of the template: these rows and lists stay as they are in any project.
const entry = (prefix: string, upstream = 'catalog'): RouteEntry => ({
  prefix,
  upstream,
  access: 'token',
  rateLimit: 'standard',
});

describe('route table', () => {
  test('when the runtime contract is checked, then it is accepted as it stands', () => {
    expect(checkRouteTable(ROUTE_TABLE)).toBe(ROUTE_TABLE);
  });

  test('when a prefix is followed by more characters of a segment, then it does not cover the path', () => {
    const table = [entry('/v1/products'), entry('/.well-known', 'identity')];

    expect(covers('/v1/orders', '/v1/orders')).toBe(true);
    expect(covers('/v1/orders', '/v1/orders/o-1/lines')).toBe(true);
    expect(covers('/v1/orders', '/v1/ordersx')).toBe(false);
    expect(routeFor(table, '/v1/products/p-1')?.upstream).toBe('catalog');
    expect(routeFor(table, '/.well-known/jwks.json')?.upstream).toBe('identity');
    expect(routeFor(table, '/v2/products')).toBeUndefined();
  });

  test('when only credential exchange and issuer metadata are public, then every other prefix needs a token', () => {
    const publicPrefixes = ROUTE_TABLE.filter((route) => route.access === 'public').map(
      (route) => route.prefix,
    );
    // Both are identity's; a project created without identity trusts another issuer and has none.
    const hasIdentity = (UPSTREAMS as readonly string[]).includes('identity');

    expect(publicPrefixes).toEqual(hasIdentity ? ['/v1/auth', '/.well-known'] : []);
    expect(ROUTE_TABLE.filter((route) => route.rateLimit === 'auth').map((r) => r.prefix)).toEqual(
      hasIdentity ? ['/v1/auth'] : [],
    );
  });

  test.each([
    [
      [entry('/v1/orders'), entry('/v1/orders/archive')],
      '/v1/orders and /v1/orders/archive overlap',
    ],
    [[entry('v1/orders')], '"v1/orders" is not a path prefix'],
    [[entry('/v1/orders/')], '"/v1/orders/" is not a path prefix'],
    [[entry('/v1/orders', 'billing')], 'names unknown upstream billing'],
  ])(
    'when the table is ambiguous or malformed, then it is refused at boot (%#)',
    (table, message) => {
      expect(() => checkRouteTable(table, ['catalog'])).toThrow(message);
    },
  );
});
