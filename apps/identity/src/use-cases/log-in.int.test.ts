import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { identityTemplate } from '../../test/identity-database.ts';
import {
  FAST_ARGON2,
  type IdentityInstance,
  PASSWORD,
  startIdentity,
  uniqueEmail,
} from '../../test/identity-harness.ts';
import { createPasswordHasher, type PasswordHasher } from '../security/password-hasher.ts';

/**
 * Sign-in must not tell a stranger which emails exist. Wall-clock comparisons flake on a busy
 * machine, so the test counts what costs the time: argon2 verifications, real or against the
 * dummy hash. Equal work per answer is what makes the answers equally slow.
 */
describeWithServices('log in without revealing accounts', ['postgres', 'redis'], () => {
  const db = usePostgres({ template: identityTemplate });
  const redis = useRedis();
  const work: string[] = [];
  let identity: IdentityInstance;

  beforeAll(async () => {
    const real = await createPasswordHasher(FAST_ARGON2);
    const counting: PasswordHasher = {
      ...real,
      verify: (passwordHash, password) => {
        work.push('verify');
        return real.verify(passwordHash, password);
      },
      verifyNothing: (password) => {
        work.push('verify against the dummy hash');
        return real.verifyNothing(password);
      },
    };
    identity = await startIdentity({
      databaseUrl: db.url,
      redisUrl: redis.url,
      redisPrefix: redis.prefix,
      hasher: counting,
    });
  });
  afterAll(async () => {
    await identity?.close();
  });

  const logIn = async (email: string, ip: string) => {
    work.length = 0;
    const response = await identity.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      remoteAddress: ip,
      payload: { email, password: 'a wrong password!' },
    });
    return { response, work: [...work] };
  };

  test('when the email is unknown, then the sign-in does one argon2 verification, as a wrong password does', async () => {
    const email = uniqueEmail();
    await identity.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password: PASSWORD },
    });

    const unknown = await logIn(uniqueEmail('ghost'), '10.1.0.1');
    const wrong = await logIn(email, '10.2.0.1');

    expect(unknown.response.statusCode).toBe(401);
    expect(wrong.response.statusCode).toBe(401);
    expect(unknown.response.json()).toEqual({
      ...wrong.response.json(),
      requestId: unknown.response.json().requestId,
    });
    expect(unknown.work).toEqual(['verify against the dummy hash']);
    expect(wrong.work).toEqual(['verify']);
  });
});
