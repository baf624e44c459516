import { toProblem } from '@groundwork/errors';
import { describe, expect, test, vi } from 'vitest';
import { ecdsaSigner, signCompact } from '../test/forge.ts';
import { ISSUER, makeTestKey, NOW, NOW_SECONDS, validClaims, validHeader } from '../test/issuer.ts';
import { authErrors } from './auth-errors.ts';
import { createLocalKeyResolver, type KeyResolver } from './key-resolvers.ts';
import { refusalOf } from './token-refusal.ts';
import { type VerifyAccessTokenOptions, verifyAccessToken } from './verify-access-token.ts';

const key = makeTestKey('kid-1');
const keys = createLocalKeyResolver({ keys: [key.publicJwk] });
const options: VerifyAccessTokenOptions = { keys, issuer: ISSUER, now: () => NOW };

function sign(claims = validClaims(), header = validHeader(key.kid)): string {
  return signCompact(header, claims, ecdsaSigner(key.privateKey, 'sha256'));
}

async function refusal(token: string, overrides: Partial<VerifyAccessTokenOptions> = {}) {
  const error = await verifyAccessToken(token, { ...options, ...overrides }).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(authErrors.AUTH_TOKEN_INVALID.is(error)).toBe(true);
  return refusalOf(error);
}

describe('verifyAccessToken', () => {
  test('when a token signed by the issuer is verified, then the principal carries its claims', async () => {
    const principal = await verifyAccessToken(
      sign(validClaims({ roles: ['admin', 'member'], scope: 'orders:read  catalog:read' })),
      options,
    );
    expect(principal).toEqual({
      sub: 'user-1',
      org: 'org-a',
      roles: ['admin', 'member'],
      scope: ['orders:read', 'catalog:read'],
      jti: 'b7f5c1de-3f1a-4f8e-9a59-0c6f2f7a9e10',
      exp: NOW_SECONDS + 540,
    });
    expect(Object.isFrozen(principal)).toBe(true);
  });

  test('when a token carries no org, roles or scope, then the principal has null and empty lists', async () => {
    const claims = validClaims();
    delete claims.org;
    delete claims.roles;
    delete claims.scope;
    const principal = await verifyAccessToken(sign(claims), options);
    expect(principal).toMatchObject({ org: null, roles: [], scope: [] });
  });

  test('when typ is written application/at+jwt, then it is accepted as at+jwt (RFC 9068)', async () => {
    const token = sign(validClaims(), validHeader(key.kid, { typ: 'application/at+jwt' }));
    await expect(verifyAccessToken(token, options)).resolves.toMatchObject({ sub: 'user-1' });
  });

  test('when aud is a list that includes groundwork, then the token is accepted', async () => {
    const token = sign(validClaims({ aud: ['billing', 'groundwork'] }));
    await expect(verifyAccessToken(token, options)).resolves.toMatchObject({ sub: 'user-1' });
  });

  test('when exp passed within the clock tolerance, then the token is accepted, and one second later refused', async () => {
    const token = sign(validClaims({ iat: NOW_SECONDS - 600, exp: NOW_SECONDS - 10 }));
    await expect(
      verifyAccessToken(token, { ...options, clockToleranceSeconds: 11 }),
    ).resolves.toMatchObject({ sub: 'user-1' });
    expect(await refusal(token, { clockToleranceSeconds: 10 })).toMatchObject({
      reason: 'expired',
    });
  });

  test('when a token lives longer than 15 minutes, then it is refused even though it is signed', async () => {
    const token = sign(validClaims({ iat: NOW_SECONDS - 10, exp: NOW_SECONDS + 900 }));
    expect(await refusal(token)).toMatchObject({ reason: 'claim', claim: 'exp' });
  });

  test('when a token is refused, then the client error is identical for every reason and the reason stays in the cause', async () => {
    const expired = sign(validClaims({ exp: NOW_SECONDS - 3600, iat: NOW_SECONDS - 4000 }));
    const wrongAudience = sign(validClaims({ aud: 'elsewhere' }));
    const errors = await Promise.all(
      [expired, wrongAudience, 'garbage'].map((token) =>
        verifyAccessToken(token, options).catch((error: unknown) => error),
      ),
    );
    const problems = errors.map((error) => toProblem(error, { instance: '/v1/orders' }));
    expect(problems[0]).toEqual({
      type: 'urn:groundwork:problem:auth-token-invalid',
      title: 'The access token is not valid',
      status: 401,
      detail: 'The access token is expired or not valid.',
      instance: '/v1/orders',
      code: 'AUTH_TOKEN_INVALID',
    });
    expect(problems[1]).toEqual(problems[0]);
    expect(problems[2]).toEqual(problems[0]);
    expect(errors.map((error) => refusalOf(error)?.reason)).toEqual([
      'expired',
      'claim',
      'malformed',
    ]);
    for (const error of errors) {
      const serialized = JSON.stringify(error);
      expect(serialized).not.toMatch(/expired"|aud|malformed|claim/);
    }
  });

  test('when a token is longer than the cap, then it is refused before any parsing or key lookup', async () => {
    const resolver = vi.fn<KeyResolver>(keys);
    const padded = sign(validClaims({ pad: 'x'.repeat(5000) }));
    expect(await refusal(padded, { keys: resolver })).toMatchObject({ reason: 'too_large' });
    expect(resolver).not.toHaveBeenCalled();
    await expect(
      verifyAccessToken(padded, { ...options, keys: resolver, maxTokenLength: padded.length }),
    ).resolves.toMatchObject({ sub: 'user-1' });
  });

  test('when something other than a string is passed as the token, then it is refused as malformed', async () => {
    for (const token of [undefined, null, 42, { alg: 'none' }]) {
      expect(await refusal(token as unknown as string)).toMatchObject({ reason: 'malformed' });
    }
  });

  test('when the options allow more than 30 s of clock skew, then verification refuses to run', async () => {
    await expect(
      verifyAccessToken(sign(), { ...options, clockToleranceSeconds: 31 }),
    ).rejects.toThrow(TypeError);
  });

  test('when the options allow none or a symmetric algorithm, then verification refuses to run', async () => {
    for (const algorithm of ['none', 'HS256', 'HS512', 'dir']) {
      await expect(
        verifyAccessToken(sign(), { ...options, algorithms: ['ES256', algorithm] }),
      ).rejects.toThrow(TypeError);
    }
  });

  test('when the issuer is empty, then verification refuses to run', async () => {
    await expect(verifyAccessToken(sign(), { ...options, issuer: '' })).rejects.toThrow(TypeError);
  });
});
