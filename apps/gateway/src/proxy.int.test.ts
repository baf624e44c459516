import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixtureRouting } from '../test/fixture-routes.ts';
import { type FixtureUpstream, startFixtureUpstream } from '../test/fixture-upstream.ts';
import {
  buildTestGateway,
  type TestGateway,
  type TestGatewayOptions,
} from '../test/gateway-harness.ts';
import { listen, send } from '../test/http-client.ts';
import { startTokenIssuer, type TokenIssuer } from '../test/token-issuer.ts';
import { ROUTE_TABLE, UPSTREAMS } from './route-table.ts';

/** A listening gateway that trusts `issuer`, with `routing`, and a token for user-1. */
async function startGateway(
  issuer: TokenIssuer,
  redis: { url: string; prefix: string },
  routing: Pick<TestGatewayOptions, 'routes' | 'upstreams'>,
) {
  const gateway = await buildTestGateway({
    ...routing,
    env: {
      JWKS_URL: issuer.jwksUrl,
      TOKEN_ISSUER: issuer.issuer,
      REDIS_URL: redis.url,
      RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
    },
  });
  return { gateway, origin: await listen(gateway.app), token: await issuer.tokenFor('user-1') };
}

describeWithServices('proxy', ['redis'], () => {
  const redis = useRedis();
  let identity: FixtureUpstream;
  let orders: FixtureUpstream;
  let issuer: TokenIssuer;
  let gateway: TestGateway;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    [identity, orders, issuer] = await Promise.all([
      startFixtureUpstream(),
      startFixtureUpstream(),
      startTokenIssuer(),
    ]);
    ({ gateway, origin, token } = await startGateway(
      issuer,
      redis,
      fixtureRouting(identity, orders),
    ));
  });
  afterAll(async () => {
    await gateway?.app.close();
    await Promise.all([identity?.close(), orders?.close(), issuer?.close()]);
  });

  const bearer = () => ({ authorization: `Bearer ${token}` });

  test('when a client calls /v1/products through the gateway, then the orders service answers it', async () => {
    const before = { identity: identity.received.length, orders: orders.received.length };

    const response = await send(origin, { path: '/v1/products/p-1?limit=5', headers: bearer() });

    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ method: 'GET', url: '/v1/products/p-1?limit=5' });
    expect(orders.received.length).toBe(before.orders + 1);
    expect(identity.received.length).toBe(before.identity);
  });

  test('when a path only starts like a routed prefix, then 404 problem+json and no service is called', async () => {
    const before = identity.received.length + orders.received.length;

    const response = await send(origin, { path: '/v1/productsandmore', headers: bearer() });

    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(identity.received.length + orders.received.length).toBe(before);
  });

  test('when a request carries hop-by-hop headers, then the service receives none of them, but the request id, trace context and token', async () => {
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

    const response = await send(origin, {
      path: '/v1/orders',
      headers: {
        ...bearer(),
        connection: 'keep-alive, x-connection-scoped',
        'x-connection-scoped': 'for this hop only',
        'keep-alive': 'timeout=5',
        te: 'trailers',
        upgrade: 'h2c',
        'proxy-authorization': 'Basic cHJveHk6c2VjcmV0',
        'x-request-id': 'req-abc-123',
        traceparent,
        'x-end-to-end': 'kept',
      },
    });

    expect(response.status).toBe(200);
    const seen = orders.received.at(-1)?.headers ?? {};
    for (const name of [
      'x-connection-scoped',
      'keep-alive',
      'te',
      'upgrade',
      'proxy-authorization',
    ]) {
      expect(seen, name).not.toHaveProperty(name);
    }
    expect(seen.connection ?? '').not.toContain('x-connection-scoped');
    expect(seen['x-request-id']).toBe('req-abc-123');
    expect(seen.traceparent).toBe(traceparent);
    expect(seen.authorization).toBe(`Bearer ${token}`);
    expect(seen['x-end-to-end']).toBe('kept');
    expect(response.headers['x-request-id']).toBe('req-abc-123');
  });

  test('when a request has no usable request id, then the service receives the one the gateway generated', async () => {
    const response = await send(origin, {
      path: '/v1/orders',
      headers: { ...bearer(), 'x-request-id': 'no spaces <allowed>' },
    });

    const forwarded = orders.received.at(-1)?.headers['x-request-id'];
    expect(forwarded).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-request-id']).toBe(forwarded);
  });

  test('when the service answers with hop-by-hop headers, then the client receives none of them', async () => {
    orders.behave((_request, response) => {
      response.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive, x-upstream-scoped',
        'x-upstream-scoped': 'for the gateway hop only',
        'proxy-authenticate': 'Basic realm="internal"',
        'x-end-to-end': 'kept',
      });
      response.end('{}');
    });
    try {
      const response = await send(origin, { path: '/v1/orders', headers: bearer() });

      expect(response.status).toBe(200);
      expect(response.headers).not.toHaveProperty('x-upstream-scoped');
      expect(response.headers).not.toHaveProperty('proxy-authenticate');
      expect(response.headers['x-end-to-end']).toBe('kept');
    } finally {
      orders.behave((await import('../test/fixture-upstream.ts')).echo);
    }
  });

  test('when the service sends caching headers, then they reach the client, and a conditional request gets its 304', async () => {
    const etag = '"v42"';
    orders.behave((request, response) => {
      if (request.headers['if-none-match'] === etag) {
        response.writeHead(304, { etag, 'cache-control': 'private, max-age=60' });
        response.end();
        return;
      }
      response.writeHead(200, {
        'content-type': 'application/json',
        etag,
        'cache-control': 'private, max-age=60',
        'last-modified': 'Tue, 03 Mar 2026 10:00:00 GMT',
        vary: 'authorization',
      });
      response.end('{"id":"p-1"}');
    });
    try {
      const first = await send(origin, { path: '/v1/products/p-1', headers: bearer() });
      const revalidated = await send(origin, {
        path: '/v1/products/p-1',
        headers: { ...bearer(), 'if-none-match': etag },
      });

      expect(first.status).toBe(200);
      expect(first.headers).toMatchObject({
        etag,
        'cache-control': 'private, max-age=60',
        'last-modified': 'Tue, 03 Mar 2026 10:00:00 GMT',
      });
      expect(first.headers.vary).toContain('authorization');
      expect(revalidated.status).toBe(304);
      expect(revalidated.text).toBe('');
      expect(revalidated.headers.etag).toBe(etag);
    } finally {
      orders.behave((await import('../test/fixture-upstream.ts')).echo);
    }
  });

  test('when a client posts a body, then the service receives the same bytes and content type', async () => {
    const json = '{ "sku" : "p-1",\n  "quantity": 2 }';
    const form = 'grant_type=refresh_token&refresh_token=abc';

    const posted = await send(origin, {
      method: 'POST',
      path: '/v1/orders',
      headers: { ...bearer(), 'content-type': 'application/json; charset=utf-8' },
      body: json,
    });
    const tokenRequest = await send(origin, {
      method: 'POST',
      path: '/v1/auth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form,
    });

    expect(posted.status).toBe(200);
    expect(posted.json()).toMatchObject({ method: 'POST', body: json });
    expect(orders.received.at(-1)?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(tokenRequest.status).toBe(200);
    expect(identity.received.at(-1)?.body).toBe(form);
  });

  test('when a client sends HEAD, then the service receives a HEAD and the client its headers', async () => {
    const response = await send(origin, {
      method: 'HEAD',
      path: '/v1/products',
      headers: bearer(),
    });

    expect(response.status).toBe(200);
    expect(response.text).toBe('');
    expect(response.headers['content-type']).toBe('application/json');
    expect(orders.received.at(-1)?.method).toBe('HEAD');
  });

  test('when the path climbs out with dot segments, then 400 and no service is called', async () => {
    const before = identity.received.length + orders.received.length;

    const response = await send(origin, { path: '/v1/orders/%2e%2e/users', headers: bearer() });

    expect(response.status).toBe(400);
    expect(identity.received.length + orders.received.length).toBe(before);
  });
});

describeWithServices("the project's route table", ['redis'], () => {
  const redis = useRedis();
  const upstreams = new Map<string, FixtureUpstream>();
  let issuer: TokenIssuer;
  let gateway: TestGateway;
  let origin: string;
  let token: string;

  beforeAll(async () => {
    issuer = await startTokenIssuer();
    for (const name of UPSTREAMS) upstreams.set(name, await startFixtureUpstream());
    // No routes given: the project's own ROUTE_TABLE, each upstream on its fixture.
    ({ gateway, origin, token } = await startGateway(issuer, redis, {
      upstreams: Object.fromEntries([...upstreams].map(([name, upstream]) => [name, upstream.url])),
    }));
  });
  afterAll(async () => {
    await gateway?.app.close();
    await Promise.all([...upstreams.values()].map((upstream) => upstream.close()));
    await issuer?.close();
  });

  test.each(ROUTE_TABLE.map((entry) => [entry.prefix, entry.upstream] as const))(
    'when a client calls %s/…, then %s answers it',
    async (prefix, name) => {
      const target = upstreams.get(name);
      const before = [...upstreams.values()].map((upstream) => upstream.received.length);

      const response = await send(origin, {
        path: `${prefix}/anything`,
        headers: { authorization: `Bearer ${token}` },
      });

      expect(response.status).toBe(200);
      expect(target?.received.at(-1)?.url).toBe(`${prefix}/anything`);
      // That upstream alone was called.
      const after = [...upstreams.values()].map((upstream) => upstream.received.length);
      expect(after.reduce((sum, count) => sum + count, 0)).toBe(
        before.reduce((sum, count) => sum + count, 0) + 1,
      );
    },
  );
});
