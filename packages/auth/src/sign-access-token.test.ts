import { decodeJwt, decodeProtectedHeader } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { ISSUER, makeTestKey, NOW, NOW_SECONDS } from '../test/issuer.ts';
import { createLocalKeyResolver } from './key-resolvers.ts';
import { signAccessToken } from './sign-access-token.ts';
import { importSigningKey, type SigningKey } from './signing-keys.ts';
import { verifyAccessToken } from './verify-access-token.ts';

const testKey = makeTestKey('kid-sign');
let key: SigningKey;

beforeAll(async () => {
  key = await importSigningKey(testKey.privateJwk);
});

const user = { sub: 'user-1', org: 'org-a', roles: ['admin'] as const, scope: ['orders:read'] };

describe('signAccessToken', () => {
  test('when a token is signed, then its header is ES256, typ at+jwt and names the kid', async () => {
    const { token } = await signAccessToken(user, { key, issuer: ISSUER, now: () => NOW });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'kid-sign' });
  });

  test('when a token is signed, then it carries iss, aud groundwork, sub, iat, exp, jti, org, roles and scope', async () => {
    const issued = await signAccessToken(
      { ...user, scope: ['orders:read', 'orders:write'] },
      { key, issuer: ISSUER, ttlSeconds: 300, now: () => NOW },
    );
    expect(decodeJwt(issued.token)).toEqual({
      iss: ISSUER,
      aud: 'groundwork',
      sub: 'user-1',
      iat: NOW_SECONDS,
      exp: NOW_SECONDS + 300,
      jti: issued.jti,
      org: 'org-a',
      roles: ['admin'],
      scope: 'orders:read orders:write',
    });
    expect(issued.jti).toMatch(/^[0-9a-f-]{36}$/);
    expect(issued.expiresIn).toBe(300);
    expect(issued.expiresAt).toEqual(new Date((NOW_SECONDS + 300) * 1000));
  });

  test('when no lifetime is given, then the token lives 15 minutes', async () => {
    const { token } = await signAccessToken(user, { key, issuer: ISSUER, now: () => NOW });
    const { iat, exp } = decodeJwt(token);
    expect((exp ?? 0) - (iat ?? 0)).toBe(900);
  });

  test('when two tokens are signed for the same user, then their jti differ', async () => {
    const first = await signAccessToken(user, { key, issuer: ISSUER });
    const second = await signAccessToken(user, { key, issuer: ISSUER });
    expect(first.jti).not.toBe(second.jti);
  });

  test('when a token has no organization, then org is absent and roles and scope are empty', async () => {
    const { token } = await signAccessToken({ sub: 'client:worker' }, { key, issuer: ISSUER });
    const claims = decodeJwt(token);
    expect(claims).not.toHaveProperty('org');
    expect(claims.roles).toEqual([]);
    expect(claims.scope).toBe('');
  });

  test('when a lifetime over 15 minutes or not a positive integer is asked, then signing refuses', async () => {
    for (const ttlSeconds of [901, 3600, 0, -5, 1.5]) {
      await expect(signAccessToken(user, { key, issuer: ISSUER, ttlSeconds })).rejects.toThrow(
        'ttlSeconds',
      );
    }
  });

  test('when a role is unknown, a scope has a space or sub is empty, then signing refuses', async () => {
    const bad = [
      { ...user, roles: ['root'] as never },
      { ...user, scope: ['orders:read orders:write'] },
      { ...user, sub: '' },
    ];
    for (const claims of bad) {
      await expect(signAccessToken(claims, { key, issuer: ISSUER })).rejects.toThrow(TypeError);
    }
  });

  test('when a signed token is verified, then it yields the principal it was signed for', async () => {
    const issued = await signAccessToken(user, { key, issuer: ISSUER, now: () => NOW });
    const principal = await verifyAccessToken(issued.token, {
      keys: createLocalKeyResolver({ keys: [testKey.publicJwk] }),
      issuer: ISSUER,
      now: () => NOW,
    });
    expect(principal).toEqual({
      sub: 'user-1',
      org: 'org-a',
      roles: ['admin'],
      scope: ['orders:read'],
      jti: issued.jti,
      exp: NOW_SECONDS + 900,
    });
  });
});
