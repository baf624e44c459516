import { describe, expect, test } from 'vitest';
import { checkRouteTable, covers, ROUTE_TABLE, type RouteEntry, routeFor } from './route-table.ts';

const entry = (prefix: string, upstream = 'orders'): RouteEntry =>
  ({ prefix, upstream, access: 'token', rateLimit: 'standard' }) as RouteEntry;

describe('route table', () => {
  test('when the runtime contract is checked, then it is accepted as it stands', () => {
    expect(checkRouteTable(ROUTE_TABLE)).toBe(ROUTE_TABLE);
  });

  test('when a prefix is followed by more characters of a segment, then it does not cover the path', () => {
    expect(covers('/v1/orders', '/v1/orders')).toBe(true);
    expect(covers('/v1/orders', '/v1/orders/o-1/lines')).toBe(true);
    expect(covers('/v1/orders', '/v1/ordersx')).toBe(false);
    expect(routeFor(ROUTE_TABLE, '/v1/products/p-1')?.upstream).toBe('orders');
    expect(routeFor(ROUTE_TABLE, '/.well-known/jwks.json')?.upstream).toBe('identity');
    expect(routeFor(ROUTE_TABLE, '/v2/orders')).toBeUndefined();
  });

  test('when only credential exchange and issuer metadata are public, then every other prefix needs a token', () => {
    const publicPrefixes = ROUTE_TABLE.filter((route) => route.access === 'public').map(
      (route) => route.prefix,
    );

    expect(publicPrefixes).toEqual(['/v1/auth', '/.well-known']);
    expect(ROUTE_TABLE.find((route) => route.prefix === '/v1/auth')?.rateLimit).toBe('auth');
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
      expect(() => checkRouteTable(table)).toThrow(message);
    },
  );
});
