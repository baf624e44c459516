import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { identityTemplate } from '../../test/identity-database.ts';
import {
  type IdentityInstance,
  PASSWORD,
  startIdentity,
  uniqueEmail,
} from '../../test/identity-harness.ts';

describeWithServices('login throttling across instances', ['postgres', 'redis'], () => {
  const db = usePostgres({ template: identityTemplate });
  const redis = useRedis();
  let a: IdentityInstance;
  let b: IdentityInstance;

  beforeAll(async () => {
    const shared = { databaseUrl: db.url, redisUrl: redis.url, redisPrefix: redis.prefix };
    a = await startIdentity(shared);
    b = await startIdentity(shared);
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
  });

  async function register(email: string) {
    const response = await a.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password: PASSWORD },
    });
    expect(response.statusCode).toBe(201);
  }
  const login = (instance: IdentityInstance, email: string, password: string, ip: string) =>
    instance.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress: ip,
      payload: { email, password },
    });

  test('when an account fails 10 sign-ins across two instances within 15 minutes, then the 11th gets 429 with Retry-After, even with the right password', async () => {
    const email = uniqueEmail();
    await register(email);
    // Ten failures from ten addresses, alternating instances: only the shared Redis sees them all.
    for (let i = 0; i < 10; i++) {
      const response = await login(
        i % 2 ? b : a,
        email,
        'wrong password, again',
        `192.0.2.${i + 1}`,
      );
      expect(response.statusCode).toBe(401);
    }
    const blocked = await login(a, email, PASSWORD, '192.0.2.99');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('IDENTITY_LOGIN_THROTTLED');
    const retryAfter = Number(blocked.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(890);
    expect(retryAfter).toBeLessThanOrEqual(900);
    expect((await login(b, email, PASSWORD, '192.0.2.98')).statusCode).toBe(429);
    const throttled = (await a.identity.store.audit.list({ type: 'auth.login' })).filter(
      (event) => event.subject === email && event.reason === 'throttled',
    );
    expect(throttled).toHaveLength(2);
  });

  test('when one IP fails 10 sign-ins on 10 accounts, then its next attempt on any account gets 429', async () => {
    const ip = '198.51.100.200';
    for (let i = 0; i < 10; i++) {
      const response = await login(i % 2 ? b : a, uniqueEmail('spray'), 'guess guess guess', ip);
      expect(response.statusCode).toBe(401);
    }
    const email = uniqueEmail();
    await register(email);
    expect((await login(a, email, PASSWORD, ip)).statusCode).toBe(429);
    // Another address still signs the same account in.
    expect((await login(b, email, PASSWORD, '198.51.100.201')).statusCode).toBe(200);
  });

  test('when a user signs in correctly after 9 failures, then the account count starts again', async () => {
    const email = uniqueEmail();
    await register(email);
    for (let i = 0; i < 9; i++) {
      await login(a, email, 'wrong password, again', `203.0.113.${i + 1}`);
    }
    expect((await login(b, email, PASSWORD, '203.0.113.50')).statusCode).toBe(200);
    for (let i = 0; i < 9; i++) {
      expect(
        (await login(a, email, 'wrong password, again', `203.0.113.${i + 60}`)).statusCode,
      ).toBe(401);
    }
    expect((await login(b, email, PASSWORD, '203.0.113.51')).statusCode).toBe(200);
  });
});
