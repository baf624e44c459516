import { Agent } from 'node:http';
import { freePort } from '@groundwork/testing';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { fixtureRouting } from '../test/fixture-routes.ts';
import { type FixtureUpstream, startFixtureUpstream } from '../test/fixture-upstream.ts';
import { buildTestGateway, type TestGateway } from '../test/gateway-harness.ts';
import { listen, send } from '../test/http-client.ts';
import { startTokenIssuer, type TokenIssuer } from '../test/token-issuer.ts';

const statuses = (responses: readonly { statusCode?: number; status?: number }[]) => {
  const counts: Record<number, number> = {};
  for (const response of responses) {
    const status = response.statusCode ?? response.status ?? 0;
    counts[status] = (counts[status] ?? 0) + 1;
  }
  return counts;
};

describeWithServices('rate limits', ['redis'], () => {
  const redis = useRedis();
  let identity: FixtureUpstream;
  let orders: FixtureUpstream;
  let issuer: TokenIssuer;
  const gateways: TestGateway[] = [];
  let run = 0;

  beforeAll(async () => {
    [identity, orders, issuer] = await Promise.all([
      startFixtureUpstream(),
      startFixtureUpstream(),
      startTokenIssuer(),
    ]);
  });
  afterEach(async () => {
    await Promise.all(gateways.splice(0).map(({ app }) => app.close()));
  });
  afterAll(async () => {
    await Promise.all([identity?.close(), orders?.close(), issuer?.close()]);
  });

  /** A gateway instance; instances built with the same `shared` key count in the same Redis keys. */
  async function gateway(env: Record<string, string>, shared = `run-${++run}`) {
    const built = await buildTestGateway({
      ...fixtureRouting(identity, orders),
      env: {
        JWKS_URL: issuer.jwksUrl,
        TOKEN_ISSUER: issuer.issuer,
        REDIS_URL: redis.url,
        RATE_LIMIT_KEY_PREFIX: `${redis.prefix}${shared}:`,
        // These tests count; a loaded CI machine must not turn a slow counter into an outage
        // (the outage test points at a closed port, which fails at once whatever the timeout).
        RATE_LIMIT_STORE_TIMEOUT_MS: '5000',
        ...env,
      },
    });
    gateways.push(built);
    return built;
  }

  test("when two gateway replicas share Redis, then a client's rate limit is counted across both", async () => {
    const LIMIT = 10;
    const a = await gateway({ RATE_LIMIT_MAX: String(LIMIT) }, 'replicas');
    const b = await gateway({ RATE_LIMIT_MAX: String(LIMIT) }, 'replicas');
    const headers = { authorization: `Bearer ${await issuer.tokenFor('user-replicas')}` };
    const before = orders.received.length;

    const responses = await Promise.all(
      Array.from({ length: 3 * LIMIT }, (_, i) =>
        (i % 2 === 0 ? a : b).app.inject({ url: '/v1/products', headers }),
      ),
    );

    expect(statuses(responses)).toEqual({ 200: LIMIT, 429: 2 * LIMIT });
    expect(orders.received.length - before).toBe(LIMIT);
  });

  test('when a client exceeds its limit, then 429 with Retry-After', async () => {
    const { app } = await gateway({ RATE_LIMIT_MAX: '2', RATE_LIMIT_WINDOW_MS: '60000' });
    const headers = { authorization: `Bearer ${await issuer.tokenFor('user-eager')}` };

    const allowed = await app.inject({ url: '/v1/products', headers });
    await app.inject({ url: '/v1/products', headers });
    const refused = await app.inject({ url: '/v1/products', headers });

    expect(allowed.statusCode).toBe(200);
    expect(allowed.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '1' });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers).toMatchObject({ 'ratelimit-limit': '2', 'ratelimit-remaining': '0' });
    expect(Number(refused.headers['ratelimit-reset'])).toBe(retryAfter);
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain('rate_limit_rejections_total{limit="standard"} 1');
    expect(metrics).toContain('rate_limit_rejections_total{limit="auth"} 0');
  });

  test('when two users share an address, then each has a limit of their own', async () => {
    const { app } = await gateway({ RATE_LIMIT_MAX: '3' });
    const callAs = async (sub: string) => {
      const headers = { authorization: `Bearer ${await issuer.tokenFor(sub)}` };
      return Promise.all(
        Array.from({ length: 4 }, () => app.inject({ url: '/v1/orders', headers })),
      );
    };

    expect(statuses(await callAs('user-a'))).toEqual({ 200: 3, 429: 1 });
    expect(statuses(await callAs('user-b'))).toEqual({ 200: 3, 429: 1 });
  });

  test('when an address spends its /v1/auth budget, then its other public calls still pass', async () => {
    const { app } = await gateway({ AUTH_RATE_LIMIT_MAX: '2', RATE_LIMIT_MAX: '100' });

    const logins = await Promise.all(
      Array.from({ length: 3 }, () => app.inject({ method: 'POST', url: '/v1/auth/login' })),
    );
    const keys = await app.inject({ url: '/.well-known/jwks.json' });

    expect(statuses(logins)).toEqual({ 200: 2, 429: 1 });
    expect(keys.statusCode).toBe(200);
  });

  describe('client address', () => {
    let agent: Agent;
    beforeAll(() => {
      agent = new Agent({ keepAlive: true, maxSockets: 32 });
    });
    afterAll(() => agent.destroy());

    const login = (origin: string, forwardedFor: string) =>
      send(origin, {
        method: 'POST',
        path: '/v1/auth/login',
        headers: { 'x-forwarded-for': forwardedFor, 'content-type': 'application/json' },
        body: '{}',
        agent,
      });

    test('when 1,000 requests from an untrusted peer each spoof another X-Forwarded-For, then all count against the peer', async () => {
      const LIMIT = 5;
      const { app } = await gateway({ AUTH_RATE_LIMIT_MAX: String(LIMIT) });
      const origin = await listen(app);
      const before = identity.received.length;

      const responses = await Promise.all(
        Array.from({ length: 1_000 }, (_, i) =>
          login(origin, `203.0.${Math.floor(i / 250)}.${i % 250}, 10.0.0.1`),
        ),
      );

      expect(statuses(responses)).toEqual({ 200: LIMIT, 429: 1_000 - LIMIT });
      expect(identity.received.length - before).toBe(LIMIT);
      // The service is told the address the gateway counted, not the spoofed one.
      expect(identity.received.at(-1)?.headers['x-forwarded-for']).toBe('127.0.0.1');
    });

    test('when the peer is a trusted proxy, then X-Forwarded-For names the client that is limited', async () => {
      const { app } = await gateway({ AUTH_RATE_LIMIT_MAX: '2', TRUSTED_PROXIES: 'loopback' });
      const origin = await listen(app);

      const distinct = await Promise.all(
        Array.from({ length: 6 }, (_, i) => login(origin, `198.51.100.${i + 1}`)),
      );
      const same = await Promise.all(
        Array.from({ length: 3 }, () => login(origin, '198.51.100.200')),
      );

      expect(statuses(distinct)).toEqual({ 200: 6 });
      expect(statuses(same)).toEqual({ 200: 2, 429: 1 });
      expect(identity.received.at(-1)?.headers['x-forwarded-for']).toBe('198.51.100.200');
    });
  });

  test('when Redis is down, then /v1/auth fails closed with 503 and other routes fail open, each counted and logged', async () => {
    const { app, logs } = await gateway({ REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const headers = { authorization: `Bearer ${await issuer.tokenFor('user-1')}` };

    const login = await app.inject({ method: 'POST', url: '/v1/auth/login' });
    const products = await app.inject({ url: '/v1/products', headers });
    const keys = await app.inject({ url: '/.well-known/jwks.json' });

    expect(login.statusCode).toBe(503);
    expect(login.headers['content-type']).toContain('application/problem+json');
    expect(login.headers['retry-after']).toBe('5');
    expect(login.json()).toMatchObject({ code: 'GATEWAY_RATE_LIMIT_UNAVAILABLE' });
    expect(products.statusCode).toBe(200);
    expect(keys.statusCode).toBe(200);
    expect(app.rateLimitStoreFailures).toEqual({ failedOpen: 2, failedClosed: 1 });
    const metrics = (await app.inject('/metrics')).body;
    expect(metrics).toContain(
      'rate_limit_store_failures_total{limit="standard",outcome="fail_open"} 2',
    );
    expect(metrics).toContain(
      'rate_limit_store_failures_total{limit="auth",outcome="fail_closed"} 1',
    );
    expect(logs).toContainEqual(
      expect.objectContaining({
        level: 'error',
        msg: expect.stringContaining('rate limit store unavailable'),
      }),
    );
  });
});
