import { createRemoteKeyResolver, verifyAccessToken } from '@groundwork/auth';
import { describeWithServices } from '@groundwork/testing/vitest';
import { decodeProtectedHeader } from 'jose';
import { beforeAll, expect, test } from 'vitest';
import {
  logIn,
  PASSWORD,
  TEST_ISSUER,
  uniqueEmail,
  useIdentity,
} from '../../test/identity-harness.ts';
import { runKeyRotationJob } from '../key-rotation-job.ts';

const SECOND = 1000;
const T0 = Date.parse('2026-01-01T00:00:00Z');

describeWithServices('signing key rotation end to end', ['postgres', 'redis'], () => {
  let jwksUrl: string;
  let jwksFetches = 0;
  // One clock for the issuer and the verifiers: rotation spans weeks, the test a second.
  let clock = T0;
  const now = () => new Date(clock);
  const email = uniqueEmail();
  const identity = useIdentity({
    // No key table cache, so each step below is seen at once.
    env: { SIGNING_KEY_CACHE_MS: '0' },
    now,
    configure: (app) =>
      app.addHook('onResponse', async (request) => {
        if (request.url === '/.well-known/jwks.json') jwksFetches += 1;
      }),
  });

  beforeAll(async () => {
    const address = await identity.app.listen({ host: '127.0.0.1', port: 0 });
    jwksUrl = `${address}/.well-known/jwks.json`;
    await identity.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password: PASSWORD },
    });
  });

  const kidOf = (token: string) => decodeProtectedHeader(token).kid as string;
  // The query string keeps the test's own reads out of the verifiers' fetch count.
  const publishedKids = async () =>
    ((await (await fetch(`${jwksUrl}?inspect`)).json()) as { keys: { kid: string }[] }).keys.map(
      (k) => k.kid,
    );
  const verify = (token: string, keys: ReturnType<typeof createRemoteKeyResolver>) =>
    verifyAccessToken(token, { keys, issuer: TEST_ISSUER, now });

  test('when keys rotate, then the next key is published before it signs, old tokens verify until they expire, and verifiers follow', async () => {
    const rotation = identity.identity.useCases.rotateSigningKeys;
    // Boot (onReady) created the first active key and published the next one.
    const [active1, next2] = await publishedKids();
    // A verifier that cached the JWKS at boot, and refetches on an unknown kid.
    const verifier = createRemoteKeyResolver({ url: jwksUrl, cooldownMs: 0 });

    clock = T0 + 890 * SECOND;
    const oldToken = (await logIn(identity.app, email)).accessToken;
    expect(kidOf(oldToken)).toBe(active1);
    await expect(verify(oldToken, verifier)).resolves.toBeTruthy();
    const fetchesAfterFirstVerify = jwksFetches;

    // Too early: the next key was published 890 s ago, verifiers may cache the JWKS for 900 s.
    const refused = await rotation.now();
    expect(refused.rotated).toBeNull();
    expect(refused.notBefore).toEqual(new Date(T0 + 900 * SECOND));

    clock = T0 + 901 * SECOND;
    const rotated = await rotation.now();
    expect(rotated.rotated).toEqual({ from: active1, to: next2 });
    const next3 = rotated.nextKid as string;
    expect(await publishedKids()).toEqual([next2, next3, active1]);

    const newToken = (await logIn(identity.app, email)).accessToken;
    expect(kidOf(newToken)).toBe(next2);
    // The verifier's cached JWKS already had the new key: no fetch was needed.
    await expect(verify(newToken, verifier)).resolves.toBeTruthy();
    expect(jwksFetches).toBe(fetchesAfterFirstVerify);
    // The old key is retired, still published: its token keeps verifying until it expires.
    clock = T0 + 1700 * SECOND;
    await expect(verify(oldToken, verifier)).resolves.toBeTruthy();

    // Once every token it signed has expired (900 s + 30 s tolerance after retirement), it goes.
    clock = T0 + (901 + 931) * SECOND;
    expect(await publishedKids()).toEqual([next2, next3]);
    const cleanup = await rotation.ifDue();
    expect(cleanup.deleted).toEqual([active1]);
    await expect(verify(oldToken, createRemoteKeyResolver({ url: jwksUrl }))).rejects.toThrow();

    // A second rotation: the first verifier's cache predates key 3, so it refetches on that kid.
    const again = await rotation.now();
    expect(again.rotated).toEqual({ from: next2, to: next3 });
    const third = (await logIn(identity.app, email)).accessToken;
    const fetchesBeforeThird = jwksFetches;
    expect(kidOf(third)).toBe(next3);
    await expect(verify(third, verifier)).resolves.toBeTruthy();
    expect(jwksFetches).toBe(fetchesBeforeThird + 1);

    const events = await identity.identity.store.audit.list({ type: 'signing_key.rotated' });
    expect(events.map((event) => event.subject)).toEqual([next3, next2, active1]);
  });

  test('when the scheduled rotation runs before the period is over, then nothing changes; after 30 days, it rotates', async () => {
    const rotation = identity.identity.useCases.rotateSigningKeys;
    const before = await rotation.ifDue();
    expect(before.rotated).toBeNull();
    clock += 30 * 86_400 * SECOND;
    const after = await rotation.ifDue();
    expect(after.rotated?.from).toBe(before.activeKid);
    expect(after.activeKid).toBe(before.nextKid);
  });

  test('when the manual keys:rotate job runs, then the next key signs and a new next key is published', async () => {
    const before = await identity.identity.useCases.rotateSigningKeys.ifDue();
    // The job opens its own connection and runs on the real clock, months after the test clock.
    const report = await runKeyRotationJob({
      mode: 'now',
      config: { ...identity.config, DATABASE_URL: identity.databaseUrl },
    });
    expect(report.rotated).toEqual({ from: before.activeKid, to: before.nextKid });
    expect(report.nextKid).not.toBe(before.nextKid);
  });
});
