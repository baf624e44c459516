import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { identityTemplate } from '../../test/identity-database.ts';
import {
  bearer,
  type IdentityInstance,
  registerAndLogIn,
  startIdentity,
} from '../../test/identity-harness.ts';

describeWithServices('identity sessions', ['postgres', 'redis'], () => {
  const db = usePostgres({ template: identityTemplate });
  const redis = useRedis();
  // Two instances on one database and one Redis, as in production behind a load balancer.
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

  const refresh = (instance: IdentityInstance, refreshToken: string) =>
    instance.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
  const me = (instance: IdentityInstance, accessToken: string) =>
    instance.app.inject({ method: 'GET', url: '/v1/users/me', headers: bearer(accessToken) });

  describe('refresh', () => {
    test('when a refresh token is exchanged, then a new pair is issued and the old refresh token is spent', async () => {
      const user = await registerAndLogIn(a.app);
      const first = await refresh(a, user.refreshToken);
      expect(first.statusCode).toBe(200);
      expect(first.headers['cache-control']).toBe('no-store');
      const next = first.json();
      expect(next.refreshToken).not.toBe(user.refreshToken);
      expect(decodeJwt(next.accessToken).jti).not.toBe(decodeJwt(user.accessToken).jti);
      expect((await me(b, next.accessToken)).statusCode).toBe(200);
      const [event] = await a.identity.store.audit.list({
        type: 'auth.refresh',
        actorId: user.userId,
      });
      expect(event).toMatchObject({ outcome: 'success' });
    });

    test('when a rotated refresh token is reused, then the whole session family is revoked', async () => {
      const user = await registerAndLogIn(a.app);
      const rotated = (await refresh(a, user.refreshToken)).json();
      expect((await me(a, rotated.accessToken)).statusCode).toBe(200);

      // The attacker (or the victim) replays the spent token, here on the other instance.
      const replay = await refresh(b, user.refreshToken);
      expect(replay.statusCode).toBe(401);
      expect(replay.json().code).toBe('IDENTITY_REFRESH_TOKEN_INVALID');

      // Every token of the family is now dead: the newest refresh token and its access token.
      expect((await refresh(a, rotated.refreshToken)).statusCode).toBe(401);
      const denied = await me(a, rotated.accessToken);
      expect(denied.statusCode).toBe(401);
      expect(denied.headers['www-authenticate']).toContain('error="invalid_token"');
      const [event] = (
        await a.identity.store.audit.list({ type: 'auth.refresh', actorId: user.userId })
      ).filter((entry) => entry.reason === 'reuse');
      expect(event).toMatchObject({
        outcome: 'failure',
        reason: 'reuse',
        details: { revokedAccessTokens: expect.any(Number) },
      });
    });

    test('when two requests race with the same refresh token, then one wins and the family is revoked as reuse', async () => {
      const user = await registerAndLogIn(a.app);
      const answers = await Promise.all([
        refresh(a, user.refreshToken),
        refresh(b, user.refreshToken),
      ]);
      const statuses = answers.map((answer) => answer.statusCode).sort();
      expect(statuses).toEqual([200, 401]);
      const winner = answers.find((answer) => answer.statusCode === 200)?.json();
      expect((await refresh(a, winner.refreshToken)).statusCode).toBe(401);
    });

    test('when an unknown refresh token is presented, then 401 and an audit event without an actor', async () => {
      const response = await refresh(a, 'not-a-token-this-service-issued');
      expect(response.statusCode).toBe(401);
      const events = await a.identity.store.audit.list({ type: 'auth.refresh' });
      expect(
        events.some((event) => event.reason === 'unknown_token' && event.actorId === null),
      ).toBe(true);
    });
  });

  describe('revocation', () => {
    test('when a user logs out, then the session refresh token and its access token fail on every instance within 1 s', async () => {
      const user = await registerAndLogIn(a.app);
      expect((await me(b, user.accessToken)).statusCode).toBe(200);
      const loggedOutAt = performance.now();
      const logout = await a.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        payload: { refreshToken: user.refreshToken },
      });
      expect(logout.statusCode).toBe(204);
      const onA = await me(a, user.accessToken);
      const onB = await me(b, user.accessToken);
      expect(performance.now() - loggedOutAt).toBeLessThan(1000);
      expect([onA.statusCode, onB.statusCode]).toEqual([401, 401]);
      expect((await refresh(b, user.refreshToken)).statusCode).toBe(401);
      const [event] = await a.identity.store.audit.list({
        type: 'auth.logout',
        actorId: user.userId,
      });
      expect(event).toMatchObject({ outcome: 'success', details: { revokedAccessTokens: 1 } });
    });

    test('when logout is called with an unknown refresh token, then 204 all the same', async () => {
      const response = await a.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        payload: { refreshToken: 'never-issued' },
      });
      expect(response.statusCode).toBe(204);
    });

    test('when a user is disabled, then every session and access token fails at once', async () => {
      const user = await registerAndLogIn(a.app);
      const second = await registerAndLogIn(a.app, { email: `x${user.email}` });
      await a.identity.useCases.disableUser(user.userId, { actorId: null, reason: 'fraud' }, {});
      expect((await me(b, user.accessToken)).statusCode).toBe(401);
      expect((await refresh(b, user.refreshToken)).statusCode).toBe(401);
      // Somebody else's session is untouched.
      expect((await me(b, second.accessToken)).statusCode).toBe(200);
    });

    test('when a token is denied, then its deny-list entry expires with the token, under the key the gateway reads', async () => {
      const user = await registerAndLogIn(a.app);
      const { jti, exp } = decodeJwt(user.accessToken);
      await a.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        payload: { refreshToken: user.refreshToken },
      });
      const key = `auth:revoked:jti:${jti}`;
      expect(await redis.client.exists(key)).toBe(1);
      const expiresAtMs = await redis.client.pexpiretime(key);
      // Until the token's own expiry plus the verifiers' 30 s clock tolerance.
      expect(expiresAtMs).toBe((exp as number) * 1000 + 30_000);
    });
  });
});
