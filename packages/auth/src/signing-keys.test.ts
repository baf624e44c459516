import { calculateJwkThumbprint, decodeProtectedHeader, importJWK, jwtVerify } from 'jose';
import { describe, expect, test } from 'vitest';
import { signAccessToken } from './sign-access-token.ts';
import { generateSigningKey, importSigningKey, publicJwkOf } from './signing-keys.ts';

describe('signing keys', () => {
  test('when a key is generated, then it is ES256 on P-256 and its kid is its RFC 7638 thumbprint', async () => {
    const key = await generateSigningKey();
    expect(key.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', kid: key.kid });
    expect(key.privateJwk.d).toEqual(expect.any(String));
    expect(key.kid).toBe(await calculateJwkThumbprint(key.publicJwk));
  });

  test('when two keys are generated, then their kids differ', async () => {
    const [first, second] = await Promise.all([generateSigningKey(), generateSigningKey()]);
    expect(first.kid).not.toBe(second.kid);
  });

  test('when the public JWK is exported, then it has kid, alg, use and no private part', async () => {
    const key = await generateSigningKey();
    const published = publicJwkOf(key.privateJwk);
    expect(published).toEqual({
      kty: 'EC',
      crv: 'P-256',
      x: key.privateJwk.x,
      y: key.privateJwk.y,
      kid: key.kid,
      alg: 'ES256',
      use: 'sig',
    });
    expect(JSON.stringify(published)).not.toContain(key.privateJwk.d);
  });

  test('when a private JWK without kid is exported, then export refuses', () => {
    expect(() => publicJwkOf({ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c' })).toThrow('kid');
  });

  test('when a key is imported for signing, then its tokens verify with its public JWK and the private key cannot be exported', async () => {
    const key = await generateSigningKey();
    const signing = await importSigningKey(key.privateJwk);
    expect(signing.kid).toBe(key.kid);
    expect(signing.privateKey.extractable).toBe(false);
    const { token } = await signAccessToken(
      { sub: 'user-1' },
      { key: signing, issuer: 'https://identity.test' },
    );
    expect(decodeProtectedHeader(token).kid).toBe(key.kid);
    const verified = await jwtVerify(token, await importJWK(key.publicJwk, 'ES256'));
    expect(verified.payload.sub).toBe('user-1');
  });

  test('when a non-P-256 or public-only JWK is imported for signing, then import refuses', async () => {
    const key = await generateSigningKey();
    await expect(importSigningKey({ ...key.publicJwk })).rejects.toThrow('private');
    await expect(importSigningKey({ ...key.privateJwk, crv: 'P-384' })).rejects.toThrow('P-256');
  });
});
