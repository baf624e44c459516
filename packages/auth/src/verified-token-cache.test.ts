import { beforeAll, describe, expect, test } from 'vitest';
import { fakeClock } from '../test/fake-clock.ts';
import { ISSUER, makeTestKey } from '../test/issuer.ts';
import { authErrors } from './auth-errors.ts';
import { createLocalKeyResolver, type KeyResolver } from './key-resolvers.ts';
import type { Principal } from './principal.ts';
import { signAccessToken } from './sign-access-token.ts';
import { importSigningKey, type SigningKey } from './signing-keys.ts';
import { refusalOf } from './token-refusal.ts';
import { createVerifiedTokenCache } from './verified-token-cache.ts';
import { type VerifyAccessTokenOptions, verifyAccessToken } from './verify-access-token.ts';

const START = '2026-03-01T12:00:00.000Z';
const issuerKey = makeTestKey('kid-cache');
const strangerKey = makeTestKey('kid-cache');
let signingKey: SigningKey;
let strangerSigningKey: SigningKey;

beforeAll(async () => {
  signingKey = await importSigningKey(issuerKey.privateJwk);
  strangerSigningKey = await importSigningKey(strangerKey.privateJwk);
});

/**
 * A verifier as a service builds one, with a key resolver that counts its calls: jose asks for
 * the key once per signature verification, so the count is the number of ES256 checks done.
 */
function verifier(options: { maxEntries?: number; clockToleranceSeconds?: number } = {}) {
  const clock = fakeClock(START);
  const resolve = createLocalKeyResolver({ keys: [issuerKey.publicJwk] });
  const counted = { verifications: 0 };
  const keys: KeyResolver = (header, token) => {
    counted.verifications += 1;
    return resolve(header, token);
  };
  const revoked = new Set<string>();
  const cache = createVerifiedTokenCache({ maxEntries: options.maxEntries ?? 100 });
  const verifyOptions: VerifyAccessTokenOptions = {
    keys,
    issuer: ISSUER,
    cache,
    now: clock.now,
    isRevoked: (principal) => revoked.has(principal.jti),
    ...(options.clockToleranceSeconds === undefined
      ? {}
      : { clockToleranceSeconds: options.clockToleranceSeconds }),
  };
  return {
    clock,
    counted,
    revoked,
    cache,
    verify: (token: string) => verifyAccessToken(token, verifyOptions),
    async sign(sub: string, ttlSeconds = 600, key = signingKey) {
      return signAccessToken(
        { sub, org: 'org-a', roles: ['member'] },
        { key, issuer: ISSUER, ttlSeconds, now: clock.now },
      );
    },
  };
}

async function refusal(promise: Promise<Principal>) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(authErrors.AUTH_TOKEN_INVALID.is(error)).toBe(true);
  return refusalOf(error);
}

describe('verified token cache', () => {
  test('when a verified token is presented again, then its signature is not verified again', async () => {
    const v = verifier();
    const { token } = await v.sign('user-1');

    const first = await v.verify(token);
    const second = await v.verify(token);

    expect(second).toEqual(first);
    expect(second.sub).toBe('user-1');
    expect(v.counted.verifications).toBe(1);
  });

  test('when the clock reaches the token exp, then the cached entry is not used and the token is refused', async () => {
    // No clock tolerance, so the verifier itself refuses the token from its exp on.
    const v = verifier({ clockToleranceSeconds: 0 });
    const { token } = await v.sign('user-1', 60);
    await v.verify(token);

    v.clock.advance({ seconds: 59 });
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    expect(v.counted.verifications).toBe(1);

    v.clock.advance({ seconds: 1 });
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'expired' });
    expect(v.counted.verifications).toBe(2);
    expect(v.cache.size).toBe(0);
  });

  test('when the token exp has passed but the verifier tolerates clock skew, then the cache still never serves it', async () => {
    const v = verifier({ clockToleranceSeconds: 10 });
    const { token } = await v.sign('user-1', 60);
    await v.verify(token);

    v.clock.advance({ seconds: 61 });
    // Within the tolerance the signature check accepts it again, each time: the cache adds no
    // second of life to a token past its exp.
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    await expect(v.verify(token)).resolves.toMatchObject({ sub: 'user-1' });
    expect(v.counted.verifications).toBe(3);
  });

  test('when a cached token is revoked, then it is refused on its next use', async () => {
    const v = verifier();
    const { token, jti } = await v.sign('user-1');
    await v.verify(token);

    v.revoked.add(jti);

    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'revoked' });
    expect(v.counted.verifications).toBe(1);
  });

  test('when a token fails verification, then it is not remembered as valid', async () => {
    const v = verifier();
    // Same kid, another private key: the signature does not match the issuer's published key.
    const { token } = await v.sign('user-1', 600, strangerSigningKey);

    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'signature' });
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'signature' });
    expect(v.counted.verifications).toBe(2);
    expect(v.cache.size).toBe(0);
  });

  test('when a revoked token is verified for the first time, then it is refused and still refused later', async () => {
    const v = verifier();
    const { token, jti } = await v.sign('user-1');
    v.revoked.add(jti);

    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'revoked' });
    expect(await refusal(v.verify(token))).toMatchObject({ reason: 'revoked' });
  });

  test('when different tokens are cached, then each keeps its own principal', async () => {
    const v = verifier();
    const alice = await v.sign('alice');
    const bob = await v.sign('bob');
    await v.verify(alice.token);
    await v.verify(bob.token);

    await expect(v.verify(alice.token)).resolves.toMatchObject({ sub: 'alice', jti: alice.jti });
    await expect(v.verify(bob.token)).resolves.toMatchObject({ sub: 'bob', jti: bob.jti });
    expect(v.counted.verifications).toBe(2);

    // A cached token with its signature swapped for another token's is a different token.
    const [head, body] = alice.token.split('.');
    const spliced = `${head}.${body}.${bob.token.split('.')[2]}`;
    expect(await refusal(v.verify(spliced))).toMatchObject({ reason: 'signature' });
  });

  test('when more tokens are verified than the cache holds, then it stays bounded and the least recently used is verified again', async () => {
    const v = verifier({ maxEntries: 2 });
    const t1 = (await v.sign('1')).token;
    const t2 = (await v.sign('2')).token;
    const t3 = (await v.sign('3')).token;
    await v.verify(t1);
    await v.verify(t2);
    await v.verify(t1); // t1 is now the most recently used, t2 the least
    await v.verify(t3); // evicts t2
    expect(v.cache.size).toBe(2);
    expect(v.counted.verifications).toBe(3);

    await v.verify(t1);
    await v.verify(t3);
    expect(v.counted.verifications).toBe(3);
    await v.verify(t2);
    expect(v.counted.verifications).toBe(4);
    expect(v.cache.size).toBe(2);
  });

  test('when the cache holds 0 entries, then every request is verified', async () => {
    const v = verifier({ maxEntries: 0 });
    const { token } = await v.sign('user-1');
    await v.verify(token);
    await v.verify(token);
    expect(v.counted.verifications).toBe(2);
  });

  test('when maxEntries is negative or fractional, then the cache refuses to be built', () => {
    expect(() => createVerifiedTokenCache({ maxEntries: -1 })).toThrow(TypeError);
    expect(() => createVerifiedTokenCache({ maxEntries: 1.5 })).toThrow(TypeError);
  });
});
