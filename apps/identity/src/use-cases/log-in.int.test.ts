import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { identityTemplate } from '../../test/identity-database.ts';
import {
  type IdentityInstance,
  PASSWORD,
  startIdentity,
  uniqueEmail,
} from '../../test/identity-harness.ts';
import { PRODUCTION_ARGON2 } from '../security/password-hasher.ts';

describeWithServices('log in timing', ['postgres', 'redis'], () => {
  const db = usePostgres({ template: identityTemplate });
  const redis = useRedis();
  let identity: IdentityInstance;

  beforeAll(async () => {
    identity = await startIdentity({
      databaseUrl: db.url,
      redisUrl: redis.url,
      redisPrefix: redis.prefix,
      // The production cost, so the time an argon2 verify takes dominates, as it does in production.
      argon2: PRODUCTION_ARGON2,
    });
  });
  afterAll(async () => {
    await identity?.close();
  });

  test('when the email is unknown, then the sign-in takes about as long as with a wrong password (one argon2 verify each)', async () => {
    const email = uniqueEmail();
    await identity.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password: PASSWORD },
    });
    const timed = (payloadEmail: string, ip: string) => async () => {
      const started = performance.now();
      const response = await identity.app.inject({
        method: 'POST',
        url: '/v1/auth/login',
        remoteAddress: ip,
        payload: { email: payloadEmail, password: 'a wrong password!' },
      });
      expect(response.statusCode).toBe(401);
      return performance.now() - started;
    };
    // Interleaved, on fresh IPs and below the account limit, so the throttle never answers first.
    const unknown: number[] = [];
    const wrong: number[] = [];
    for (let i = 0; i < 8; i++) {
      unknown.push(await timed(uniqueEmail('ghost'), `10.1.0.${i + 1}`)());
      wrong.push(await timed(email, `10.2.0.${i + 1}`)());
    }
    const middle = (times: number[]) => [...times].sort((x, y) => x - y)[4] as number;
    const ratio = middle(unknown) / middle(wrong);
    // Without the dummy verify, an unknown email answers in a few ms against ~60 ms: ratio < 0.2.
    expect(ratio).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });
});
