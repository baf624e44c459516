import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { ecdsaSigner, signCompact } from '../test/forge.ts';
import {
  ISSUER,
  makeTestKey,
  NOW,
  type TestKey,
  validClaims,
  validHeader,
} from '../test/issuer.ts';
import { type JwksServer, startJwksServer } from '../test/jwks-server.ts';
import { authErrors } from './auth-errors.ts';
import { createRemoteKeyResolver, type RemoteKeyResolverOptions } from './key-resolvers.ts';
import { refusalOf } from './token-refusal.ts';
import { verifyAccessToken } from './verify-access-token.ts';

const keyA = makeTestKey('kid-a');
const keyB = makeTestKey('kid-b');
const keyC = makeTestKey('kid-c');

const servers: JwksServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
});

async function serve(...keys: TestKey[]): Promise<JwksServer> {
  const server = await startJwksServer({ keys: keys.map((key) => key.publicJwk) });
  servers.push(server);
  return server;
}

function tokenOf(key: TestKey): string {
  return signCompact(validHeader(key.kid), validClaims(), ecdsaSigner(key.privateKey, 'sha256'));
}

function verifierFor(server: JwksServer, options: Partial<RemoteKeyResolverOptions> = {}) {
  const keys = createRemoteKeyResolver({ url: server.url, ...options });
  return (token: string) => verifyAccessToken(token, { keys, issuer: ISSUER, now: () => NOW });
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => undefined,
    (error: unknown) => error,
  );
}

describe('remote JWKS against a real loopback HTTP server', () => {
  test('when verifications arrive together on a cold cache, then the JWKS is fetched once', async () => {
    const server = await serve(keyA);
    const verify = verifierFor(server);
    const principals = await Promise.all(Array.from({ length: 20 }, () => verify(tokenOf(keyA))));
    expect(principals).toHaveLength(20);
    expect(server.fetches).toBe(1);
  });

  test('when a token is signed by a new kid, then the JWKS is refetched once and the token verifies', async () => {
    const server = await serve(keyA);
    const verify = verifierFor(server, { cooldownMs: 100 });
    await verify(tokenOf(keyA));
    server.publish({ keys: [keyA.publicJwk, keyB.publicJwk] });
    await sleep(120);
    await expect(verify(tokenOf(keyB))).resolves.toMatchObject({ sub: 'user-1' });
    expect(server.fetches).toBe(2);
    await verify(tokenOf(keyB));
    // The previous key stays valid for as long as the issuer publishes it.
    await expect(verify(tokenOf(keyA))).resolves.toMatchObject({ sub: 'user-1' });
    expect(server.fetches).toBe(2);
  });

  test('when a token is signed by an unknown kid, then the JWKS is refetched once and the token is rejected', async () => {
    const server = await serve(keyA);
    const verify = verifierFor(server, { cooldownMs: 1000 });
    await verify(tokenOf(keyA));
    await sleep(1020);
    const error = await failureOf(verify(tokenOf(keyC)));
    expect(refusalOf(error)?.reason).toBe('unknown_key');
    expect(server.fetches).toBe(2);
    // More forged kids within the cooldown cost the issuer nothing.
    for (let attempt = 0; attempt < 5; attempt++) {
      expect(refusalOf(await failureOf(verify(tokenOf(keyC))))?.reason).toBe('unknown_key');
    }
    expect(server.fetches).toBe(2);
  });

  test('when a retired key leaves the JWKS, then its tokens stop verifying once the cache refreshes', async () => {
    const server = await serve(keyA, keyB);
    const verify = verifierFor(server, { cacheMaxAgeMs: 50 });
    await verify(tokenOf(keyA));
    server.publish({ keys: [keyB.publicJwk] });
    await sleep(80);
    expect(refusalOf(await failureOf(verify(tokenOf(keyA))))?.reason).toBe('unknown_key');
    await expect(verify(tokenOf(keyB))).resolves.toMatchObject({ sub: 'user-1' });
  });

  test('when the JWKS endpoint goes down after the first fetch, then tokens signed with cached keys still verify', async () => {
    const server = await serve(keyA);
    const verify = verifierFor(server, { cacheMaxAgeMs: 50 });
    await verify(tokenOf(keyA));
    await server.stop();
    await expect(verify(tokenOf(keyA))).resolves.toMatchObject({ sub: 'user-1' });
    // Past the cache age, the refetch fails (connection refused) and the last keys still serve.
    await sleep(80);
    await expect(verify(tokenOf(keyA))).resolves.toMatchObject({ sub: 'user-1' });
    await expect(verify(tokenOf(keyA))).resolves.toMatchObject({ sub: 'user-1' });
  });

  test('when the JWKS endpoint fails with a stale cache, then it is retried at most once per cooldown and picked up when it recovers', async () => {
    const server = await serve(keyA);
    const verify = verifierFor(server, { cacheMaxAgeMs: 50, cooldownMs: 1000 });
    await verify(tokenOf(keyA));
    server.failWith(503);
    await sleep(80);
    for (let attempt = 0; attempt < 5; attempt++) {
      await expect(verify(tokenOf(keyA))).resolves.toMatchObject({ sub: 'user-1' });
    }
    expect(server.fetches).toBe(2);
    // Even an unknown kid does not trigger a fetch while the endpoint is failing.
    expect(refusalOf(await failureOf(verify(tokenOf(keyB))))?.reason).toBe('unknown_key');
    expect(server.fetches).toBe(2);
    server.recover();
    server.publish({ keys: [keyA.publicJwk, keyB.publicJwk] });
    await sleep(1020);
    await expect(verify(tokenOf(keyB))).resolves.toMatchObject({ sub: 'user-1' });
    expect(server.fetches).toBe(3);
  });

  test('when the endpoint stays down longer than maxStaleMs, then verification answers AUTH_KEYS_UNAVAILABLE', async () => {
    const server = await serve(keyA);
    const verify = verifierFor(server, { cacheMaxAgeMs: 20, cooldownMs: 20, maxStaleMs: 100 });
    await verify(tokenOf(keyA));
    await server.stop();
    await sleep(150);
    const error = await failureOf(verify(tokenOf(keyA)));
    expect(authErrors.AUTH_KEYS_UNAVAILABLE.is(error)).toBe(true);
  });

  test('when the JWKS was never fetched and the endpoint is down, then AUTH_KEYS_UNAVAILABLE (503) with a retry hint', async () => {
    const server = await serve(keyA);
    await server.stop();
    const error = await failureOf(verifierFor(server)(tokenOf(keyA)));
    expect(authErrors.AUTH_KEYS_UNAVAILABLE.is(error)).toBe(true);
    expect(error).toMatchObject({ kind: 'unavailable', retryAfterSeconds: 30 });
  });

  test('when the JWKS endpoint redirects, then the redirect is not followed', async () => {
    const elsewhere = await serve(keyA);
    const server = await serve(keyA);
    server.redirectTo(elsewhere.url.href);
    const error = await failureOf(verifierFor(server)(tokenOf(keyA)));
    expect(authErrors.AUTH_KEYS_UNAVAILABLE.is(error)).toBe(true);
    expect(elsewhere.fetches).toBe(0);
  });

  test('when a duration option is negative or not a number, then the resolver refuses to build', () => {
    expect(() =>
      createRemoteKeyResolver({ url: 'http://127.0.0.1:1/jwks', cooldownMs: -1 }),
    ).toThrow('cooldownMs');
    expect(() =>
      createRemoteKeyResolver({ url: 'http://127.0.0.1:1/jwks', maxStaleMs: Number.NaN }),
    ).toThrow('maxStaleMs');
  });
});
