import { setTimeout as sleep } from 'node:timers/promises';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { afterEach, expect, test } from 'vitest';
import { fixtureRouting } from '../test/fixture-routes.ts';
import {
  type Behaviour,
  echo,
  type FixtureUpstream,
  failWith,
  startFixtureUpstream,
} from '../test/fixture-upstream.ts';
import { buildTestGateway, type TestGateway } from '../test/gateway-harness.ts';
import type { OpenApiDocument } from './openapi-merge.ts';

const problem = { type: 'object', properties: { type: { type: 'string' } } };
const bearerAuth = { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' };
const ok = { responses: { 200: { description: 'OK' } } };

const identityDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'identity', version: '1.0.0' },
  security: [{ bearerAuth: [] }],
  paths: {
    '/v1/auth/login': { post: { ...ok, security: [] } },
    '/v1/users/{userId}': { get: ok },
    '/health/ready': { get: ok },
  },
  components: {
    schemas: { Problem: problem, User: { type: 'object' } },
    securitySchemes: { bearerAuth },
  },
  tags: [{ name: 'users' }],
};

const ordersDocument: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'orders', version: '1.0.0' },
  paths: {
    '/v1/orders': { post: ok },
    '/v1/products/{productId}': { get: ok },
    '/health/live': { get: ok },
  },
  components: {
    schemas: { Problem: problem, Order: { type: 'object' } },
    securitySchemes: { bearerAuth },
  },
  tags: [{ name: 'orders' }],
};

/** Serves `document` at /openapi.json, and echoes anything else. */
const publishing =
  (document: unknown): Behaviour =>
  (request, response) => {
    if (request.url !== '/openapi.json') return echo(request, response);
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(document));
  };

describeWithServices('merged API docs', ['redis'], () => {
  const redis = useRedis();
  const open: (TestGateway | FixtureUpstream)[] = [];
  afterEach(async () => {
    await Promise.all(
      open.splice(0).map((item) => ('app' in item ? item.app.close() : item.close())),
    );
  });

  async function start(identityBehaviour: Behaviour, ordersBehaviour: Behaviour, ttlMs = 60_000) {
    const identity = await startFixtureUpstream(identityBehaviour);
    const orders = await startFixtureUpstream(ordersBehaviour);
    open.push(identity, orders);
    const gateway = await buildTestGateway({
      // Fixture routes, not the project's: the merge is tested on two known documents whatever
      // services the project has.
      ...fixtureRouting(identity, orders),
      env: {
        REDIS_URL: redis.url,
        RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
        OPENAPI_CACHE_TTL_MS: String(ttlMs),
      },
    });
    open.push(gateway);
    return { ...gateway, identity, orders };
  }

  test('when the services publish their documents, then /openapi.json merges the routed paths, components and security schemes', async () => {
    const { app } = await start(publishing(identityDocument), publishing(ordersDocument));

    const response = await app.inject('/openapi.json');

    expect(response.statusCode).toBe(200);
    const merged = response.json<OpenApiDocument>();
    expect(merged.openapi).toBe('3.1.0');
    expect(merged.info.title).toBe('gateway');
    expect(Object.keys(merged.paths ?? {})).toEqual([
      '/health/live',
      '/health/ready',
      '/v1/auth/login',
      '/v1/orders',
      '/v1/products/{productId}',
      '/v1/users/{userId}',
    ]);
    // The gateway's own probes, not the services' (which it does not route).
    expect(merged.paths?.['/health/ready']?.get).toMatchObject({ tags: ['health'] });
    expect(merged.components?.schemas).toMatchObject({ Problem: problem, User: {}, Order: {} });
    expect(merged.components?.securitySchemes).toEqual({ bearerAuth });
    // identity's document-wide requirement now sits on its operations; login keeps its own.
    expect(merged.paths?.['/v1/users/{userId}']?.get).toMatchObject({
      security: [{ bearerAuth: [] }],
    });
    expect(merged.paths?.['/v1/auth/login']?.post).toMatchObject({ security: [] });
    expect(merged.security).toBeUndefined();
    expect(merged.tags?.map((tag) => tag.name)).toEqual(['health', 'orders', 'users']);
  });

  test('when two services define a component differently, then /openapi.json is a 503 naming the conflict', async () => {
    const clashing = {
      ...ordersDocument,
      components: { schemas: { Problem: { type: 'string' } } },
    };
    const { app } = await start(publishing(identityDocument), publishing(clashing));

    const response = await app.inject('/openapi.json');

    expect(response.statusCode).toBe(503);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ code: 'GATEWAY_API_DOCS_UNAVAILABLE' });
    expect(response.json().detail).toContain(
      'components.schemas.Problem is defined differently by identity and orders',
    );
  });

  test('when a service document cannot be fetched, then 503 until one merge succeeded, and the last good document after', async () => {
    const { app, orders, logs } = await start(
      publishing(identityDocument),
      failWith(500),
      // Every request refreshes.
      1,
    );

    const before = await app.inject('/openapi.json');
    orders.behave(publishing(ordersDocument));
    const merged = await app.inject('/openapi.json');
    orders.behave(failWith(500));
    // Outlive the 1 ms TTL for certain, so the next request refreshes (and fails).
    await sleep(5);
    const stale = await app.inject('/openapi.json');

    expect(before.statusCode).toBe(503);
    expect(before.json().detail).toBe('The API description of orders could not be fetched.');
    expect(merged.statusCode).toBe(200);
    expect(stale.statusCode).toBe(200);
    expect(stale.json()).toEqual(merged.json());
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 'error', msg: expect.stringContaining('OpenAPI refresh') }),
    );
  });

  test('when a browser opens /docs, then Swagger UI loads the merged document', async () => {
    const { app } = await start(publishing(identityDocument), publishing(ordersDocument));

    const page = await app.inject('/docs/');
    const json = await app.inject('/docs/json');

    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
    expect(json.statusCode).toBe(200);
    expect(Object.keys(json.json<OpenApiDocument>().paths ?? {})).toContain('/v1/orders');
  });
});
