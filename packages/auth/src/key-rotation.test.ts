import { describe, expect, test } from 'vitest';
import { type FakeClock, fakeClock } from '../test/fake-clock.ts';
import { ecdsaSigner, signCompact } from '../test/forge.ts';
import { ISSUER, makeTestKey, type TestKey, validClaims, validHeader } from '../test/issuer.ts';
import { authErrors } from './auth-errors.ts';
import { createLocalKeyResolver } from './key-resolvers.ts';
import {
  activeKeyOf,
  DEFAULT_ROTATION_POLICY,
  isRotationDue,
  publishedJwks,
  retiredKeysToDelete,
  rotateKeys,
  type SigningKeyRecord,
} from './key-rotation.ts';
import { refusalOf } from './token-refusal.ts';
import { verifyAccessToken } from './verify-access-token.ts';

const policy = DEFAULT_ROTATION_POLICY;
const keyA = makeTestKey('kid-a');
const keyB = makeTestKey('kid-b');
const keyC = makeTestKey('kid-c');

function record(key: TestKey, state: SigningKeyRecord['state'], createdAt: Date): SigningKeyRecord {
  return {
    kid: key.kid,
    state,
    publicJwk: key.publicJwk,
    createdAt,
    activatedAt: state === 'next' ? null : createdAt,
    retiredAt: null,
  };
}

function kidsOf(jwks: { keys: readonly { kid: string }[] }): string[] {
  return jwks.keys.map((key) => key.kid);
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

/** A: active since the start; B: published as next at the start. */
function startingKeys(clock: FakeClock): SigningKeyRecord[] {
  return [record(keyA, 'active', clock.now()), record(keyB, 'next', clock.now())];
}

/** A token as the issuer signs it at `issuedAt`, living the maximum 15 minutes. */
function tokenSignedAt(key: TestKey, issuedAt: Date): string {
  const iat = Math.floor(issuedAt.getTime() / 1000);
  return signCompact(
    validHeader(key.kid),
    validClaims({ iat, exp: iat + 900 }),
    ecdsaSigner(key.privateKey, 'sha256'),
  );
}

function verifyAgainstJwksAt(token: string, keys: SigningKeyRecord[], now: Date) {
  return verifyAccessToken(token, {
    keys: createLocalKeyResolver(publishedJwks(keys, now, policy)),
    issuer: ISSUER,
    clockToleranceSeconds: policy.clockToleranceSeconds,
    now: () => now,
  });
}

describe('signing key rotation', () => {
  test('when an active and a next key exist, then both are published and the active one signs', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = startingKeys(clock);
    expect(kidsOf(publishedJwks(keys, clock.now(), policy))).toEqual(['kid-a', 'kid-b']);
    expect(activeKeyOf(keys).kid).toBe('kid-a');
  });

  test('when the next key has been published for less than the JWKS cache age, then rotation is refused', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = startingKeys(clock);
    clock.advance({ seconds: policy.jwksCacheMaxAgeSeconds - 1 });
    const error = errorOf(() => rotateKeys(keys, clock.now(), policy));
    expect(authErrors.AUTH_KEY_ROTATION_NOT_READY.is(error)).toBe(true);
    clock.advance({ seconds: 1 });
    expect(activeKeyOf(rotateKeys(keys, clock.now(), policy)).kid).toBe('kid-b');
  });

  test('when the keys rotate, then next becomes active, active becomes retired, and the input is left as it was', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = Object.freeze(startingKeys(clock).map((key) => Object.freeze(key)));
    const rotatedAt = clock.advance({ days: 30 });
    const rotated = rotateKeys(keys, rotatedAt, policy);
    expect(rotated).toEqual([
      { ...keys[0], state: 'retired', retiredAt: rotatedAt },
      { ...keys[1], state: 'active', activatedAt: rotatedAt },
    ]);
    expect(keys[0]?.state).toBe('active');
  });

  test('when the signing key rotates, then tokens signed with the previous kid stay valid until they expire', async () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = startingKeys(clock);
    clock.advance({ days: 30 });
    const lastTokenOfA = tokenSignedAt(keyA, clock.now());
    const rotated = rotateKeys(keys, clock.now(), policy);
    const firstTokenOfB = tokenSignedAt(keyB, clock.now());
    // Just before the old token expires (plus tolerance), A is still published and verifies it.
    const lastMoment = clock.advance({ seconds: 900 + policy.clockToleranceSeconds - 1 });
    expect(kidsOf(publishedJwks(rotated, lastMoment, policy))).toEqual(['kid-b', 'kid-a']);
    await expect(verifyAgainstJwksAt(lastTokenOfA, rotated, lastMoment)).resolves.toMatchObject({
      sub: 'user-1',
    });
    await expect(verifyAgainstJwksAt(firstTokenOfB, rotated, lastMoment)).resolves.toMatchObject({
      sub: 'user-1',
    });
    // One second later A leaves the JWKS; nothing is lost, because every token A signed has
    // expired by then: even with A still published, its last token would be refused as expired.
    const afterwards = clock.advance({ seconds: 1 });
    expect(kidsOf(publishedJwks(rotated, afterwards, policy))).toEqual(['kid-b']);
    const refused = await verifyAgainstJwksAt(lastTokenOfA, rotated, afterwards).catch(
      (thrown: unknown) => thrown,
    );
    expect(refusalOf(refused)?.reason).toBe('unknown_key');
    const everyKeyPublished = rotated.map((key) => ({ ...key, retiredAt: null }));
    const expired = await verifyAgainstJwksAt(lastTokenOfA, everyKeyPublished, afterwards).catch(
      (thrown: unknown) => thrown,
    );
    expect(refusalOf(expired)?.reason).toBe('expired');
  });

  test('when a retired key outlives its last token, then it is listed for deletion and only then', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const rotated = rotateKeys(startingKeys(clock), clock.advance({ days: 1 }), policy);
    clock.advance({ seconds: 900 + policy.clockToleranceSeconds - 1 });
    expect(retiredKeysToDelete(rotated, clock.now(), policy)).toEqual([]);
    clock.advance({ seconds: 1 });
    expect(retiredKeysToDelete(rotated, clock.now(), policy)).toEqual(['kid-a']);
  });

  test('when keys rotate twice, then the JWKS holds the new next, the active and the recently retired keys', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const once = rotateKeys(startingKeys(clock), clock.advance({ days: 30 }), policy);
    const withNext = [...once, record(keyC, 'next', clock.advance({ days: 1 }))];
    clock.advance({ seconds: policy.jwksCacheMaxAgeSeconds });
    const twice = rotateKeys(withNext, clock.now(), policy);
    expect(activeKeyOf(twice).kid).toBe('kid-c');
    expect(kidsOf(publishedJwks(twice, clock.now(), policy))).toEqual(['kid-c', 'kid-b']);
    expect(retiredKeysToDelete(twice, clock.now(), policy)).toEqual(['kid-a']);
  });

  test('when rotation runs with no next key, then it is refused', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = [record(keyA, 'active', clock.now())];
    const error = errorOf(() => rotateKeys(keys, clock.advance({ days: 90 }), policy));
    expect(authErrors.AUTH_KEY_ROTATION_NOT_READY.is(error)).toBe(true);
  });

  test('when no key is active yet, then the first next key activates at once', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = rotateKeys([record(keyA, 'next', clock.now())], clock.now(), policy);
    expect(activeKeyOf(keys)).toMatchObject({ kid: 'kid-a', activatedAt: clock.now() });
  });

  test('when there is no active key or more than one, then no key signs', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    for (const keys of [
      [record(keyA, 'next', clock.now())],
      [record(keyA, 'active', clock.now()), record(keyB, 'active', clock.now())],
    ]) {
      expect(authErrors.AUTH_NO_ACTIVE_SIGNING_KEY.is(errorOf(() => activeKeyOf(keys)))).toBe(true);
    }
  });

  test('when the active key is older than the rotation period, then rotation is due, and not a second before', () => {
    const clock = fakeClock('2026-03-01T00:00:00Z');
    const keys = startingKeys(clock);
    const period = 30 * 86_400;
    expect(isRotationDue(keys, clock.advance({ seconds: period - 1 }), period)).toBe(false);
    expect(isRotationDue(keys, clock.advance({ seconds: 1 }), period)).toBe(true);
  });
});
