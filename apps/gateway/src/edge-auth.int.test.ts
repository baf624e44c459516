import { revokedTokenKey } from '@groundwork/auth';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fixtureRouting } from '../test/fixture-routes.ts';
import { type FixtureUpstream, startFixtureUpstream } from '../test/fixture-upstream.ts';
import { buildTestGateway, type TestGateway } from '../test/gateway-harness.ts';
import { startTokenIssuer, type TokenIssuer } from '../test/token-issuer.ts';

describeWithServices('edge auth', ['redis'], () => {
  const redis = useRedis();
  let identity: FixtureUpstream;
  let orders: FixtureUpstream;
  let issuer: TokenIssuer;
  let gateway: TestGateway;

  beforeAll(async () => {
    [identity, orders, issuer] = await Promise.all([
      startFixtureUpstream(),
      startFixtureUpstream(),
      startTokenIssuer(),
    ]);
    gateway = await buildTestGateway({
      ...fixtureRouting(identity, orders),
      env: {
        JWKS_URL: issuer.jwksUrl,
        TOKEN_ISSUER: issuer.issuer,
        REDIS_URL: redis.url,
        RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
      },
    });
  });
  afterAll(async () => {
    await gateway?.app.close();
    await Promise.all([identity?.close(), orders?.close(), issuer?.close()]);
  });

  const upstreamHits = () => identity.received.length + orders.received.length;

  test('when a request has no token, then the gateway answers 401 without calling a service', async () => {
    const before = upstreamHits();

    const response = await gateway.app.inject({ method: 'POST', url: '/v1/orders', payload: {} });

    expect(response.statusCode).toBe(401);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.headers['www-authenticate']).toBe('Bearer realm="groundwork"');
    expect(response.json()).toMatchObject({ status: 401, code: 'AUTH_TOKEN_MISSING' });
    expect(upstreamHits()).toBe(before);
  });

  test.each([
    ['is not a JWT', async () => 'not-a-jwt'],
    ['is signed by a key identity does not publish', () => issuer.foreignToken('user-1')],
    ['names another issuer', () => issuer.tokenFor('user-1', { issuer: 'https://evil.test' })],
    [
      'has expired',
      () => issuer.tokenFor('user-1', { issuedAt: new Date(Date.now() - 3_600_000) }),
    ],
  ])(
    'when the token %s, then 401 problem+json before any service is called',
    async (_case, token) => {
      const before = upstreamHits();

      const response = await gateway.app.inject({
        url: '/v1/products',
        headers: { authorization: `Bearer ${await token()}` },
      });

      expect(response.statusCode).toBe(401);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(response.json()).toMatchObject({ status: 401, code: 'AUTH_TOKEN_INVALID' });
      expect(upstreamHits()).toBe(before);
    },
  );

  test('when the token is valid, then every request with it reaches the service with the token', async () => {
    const token = await issuer.tokenFor('user-1');
    const before = orders.received.length;

    const first = await gateway.app.inject({
      url: '/v1/products',
      headers: { authorization: `Bearer ${token}` },
    });
    const second = await gateway.app.inject({
      url: '/v1/products',
      headers: { authorization: `bearer  ${token}` },
    });

    expect(first.statusCode).toBe(200);
    expect(second.statusCode).toBe(200);
    expect(orders.received).toHaveLength(before + 2);
    expect(orders.received.at(-1)?.headers.authorization).toBe(`bearer  ${token}`);
  });

  test('when a remembered token is revoked, then its next request is refused before any service is called', async () => {
    const token = await issuer.tokenFor('user-revoked');
    const remembered = await gateway.app.inject({
      url: '/v1/products',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(remembered.statusCode).toBe(200);
    // Identity writes the deny-list entry unprefixed, where every verifier reads it.
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    const denyList = new Redis(redis.url);
    await denyList.set(revokedTokenKey(jti), '1', 'PX', 60_000);
    const before = upstreamHits();

    try {
      const refused = await gateway.app.inject({
        url: '/v1/products',
        headers: { authorization: `Bearer ${token}` },
      });

      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
      expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
      expect(upstreamHits()).toBe(before);
    } finally {
      await denyList.del(revokedTokenKey(jti));
      await denyList.quit();
    }
  });

  test.each([
    ['POST', '/v1/auth/login'],
    ['POST', '/v1/auth/register'],
    ['POST', '/v1/auth/refresh'],
    ['POST', '/v1/auth/token'],
    ['GET', '/.well-known/jwks.json'],
    ['GET', '/.well-known/openid-configuration'],
  ] as const)(
    'when %s %s is called without a token, then it reaches identity',
    async (method, url) => {
      const before = identity.received.length;

      const response = await gateway.app.inject({ method, url });

      expect(response.statusCode).toBe(200);
      expect(identity.received).toHaveLength(before + 1);
    },
  );

  test.each([
    ['GET', '/v1/users/me'],
    ['GET', '/v1/organizations'],
    ['GET', '/v1/products'],
    ['POST', '/v1/orders'],
    ['POST', '/graphql'],
  ] as const)('when %s %s is called without a token, then 401', async (method, url) => {
    const response = await gateway.app.inject({ method, url });

    expect(response.statusCode).toBe(401);
  });
});
