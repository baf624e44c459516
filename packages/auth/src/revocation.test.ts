import { describe, expect, test } from 'vitest';
import { ecdsaSigner, signCompact } from '../test/forge.ts';
import { ISSUER, makeTestKey, NOW, validClaims, validHeader } from '../test/issuer.ts';
import { authErrors } from './auth-errors.ts';
import { createLocalKeyResolver } from './key-resolvers.ts';
import { redisRevocationCheck, revokedTokenKey } from './revocation.ts';
import { refusalOf } from './token-refusal.ts';
import { verifyAccessToken } from './verify-access-token.ts';

const key = makeTestKey('kid-revocation');
const keys = createLocalKeyResolver({ keys: [key.publicJwk] });
const token = signCompact(
  validHeader(key.kid),
  validClaims(),
  ecdsaSigner(key.privateKey, 'sha256'),
);
const jti = validClaims().jti as string;

/** An in-memory stand-in with the one command the check sends (the Redis side is tested by apps). */
function storeWith(keysPresent: string[]) {
  const asked: string[] = [];
  return {
    asked,
    async exists(name: string) {
      asked.push(name);
      return keysPresent.includes(name) ? 1 : 0;
    },
  };
}

describe('revocation', () => {
  test('when a valid token is on the deny-list, then it is refused as AUTH_TOKEN_INVALID with reason revoked', async () => {
    const store = storeWith([revokedTokenKey(jti)]);
    const error = await verifyAccessToken(token, {
      keys,
      issuer: ISSUER,
      now: () => NOW,
      isRevoked: redisRevocationCheck(store),
    }).catch((thrown: unknown) => thrown);
    expect(authErrors.AUTH_TOKEN_INVALID.is(error)).toBe(true);
    expect(refusalOf(error)?.reason).toBe('revoked');
    expect(store.asked).toEqual([`auth:revoked:jti:${jti}`]);
  });

  test('when a valid token is not on the deny-list, then it is accepted', async () => {
    const store = storeWith([revokedTokenKey('another-jti')]);
    await expect(
      verifyAccessToken(token, {
        keys,
        issuer: ISSUER,
        now: () => NOW,
        isRevoked: redisRevocationCheck(store),
      }),
    ).resolves.toMatchObject({ jti });
  });

  test('when a token is invalid, then the deny-list is never asked', async () => {
    const store = storeWith([]);
    const tampered = `${token.slice(0, -4)}AAAA`;
    await expect(
      verifyAccessToken(tampered, {
        keys,
        issuer: ISSUER,
        now: () => NOW,
        isRevoked: redisRevocationCheck(store),
      }),
    ).rejects.toSatisfy((error) => authErrors.AUTH_TOKEN_INVALID.is(error));
    expect(store.asked).toEqual([]);
  });

  test('when the deny-list cannot be reached, then verification fails closed with its error', async () => {
    const down = new Error('connection refused');
    await expect(
      verifyAccessToken(token, {
        keys,
        issuer: ISSUER,
        now: () => NOW,
        isRevoked: async () => {
          throw down;
        },
      }),
    ).rejects.toBe(down);
  });

  test('when the deny-list is down and the check may allow, then the token verifies; by default it is refused', async () => {
    const down = {
      async exists(): Promise<number> {
        throw new Error('connection refused');
      },
    };
    const verify = (isRevoked: ReturnType<typeof redisRevocationCheck>) =>
      verifyAccessToken(token, { keys, issuer: ISSUER, now: () => NOW, isRevoked });

    await expect(
      verify(redisRevocationCheck(down, { whenUnavailable: 'allow' })),
    ).resolves.toMatchObject({ jti });
    await expect(verify(redisRevocationCheck(down))).rejects.toThrow('connection refused');
  });
});
