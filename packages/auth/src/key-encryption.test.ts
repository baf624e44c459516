import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { authErrors } from './auth-errors.ts';
import { openPrivateKey, parseKeyEncryptionKey, sealPrivateKey } from './key-encryption.ts';
import { generateSigningKey } from './signing-keys.ts';

const kek = parseKeyEncryptionKey(randomBytes(32).toString('base64'));

function refusalOf(open: () => unknown): unknown {
  try {
    open();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('private keys at rest (AES-256-GCM)', () => {
  test('when a private key is sealed and opened with the same key and kid, then it comes back intact', async () => {
    const key = await generateSigningKey();
    const sealed = sealPrivateKey(key.privateJwk, kek, key.kid);
    expect(sealed).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(sealed).not.toContain(key.privateJwk.d);
    expect(openPrivateKey(sealed, kek, key.kid)).toEqual(key.privateJwk);
  });

  test('when the same key is sealed twice, then the ciphertexts differ (fresh IV each time)', async () => {
    const key = await generateSigningKey();
    expect(sealPrivateKey(key.privateJwk, kek, key.kid)).not.toBe(
      sealPrivateKey(key.privateJwk, kek, key.kid),
    );
  });

  test('when the ciphertext, IV or tag is altered, then opening fails with AUTH_KEY_DECRYPTION_FAILED', async () => {
    const key = await generateSigningKey();
    const sealed = sealPrivateKey(key.privateJwk, kek, key.kid);
    const [version, iv, tag, ciphertext] = sealed.split('.') as [string, string, string, string];
    const flip = (segment: string) =>
      `${segment.slice(0, 4)}${segment[4] === 'A' ? 'B' : 'A'}${segment.slice(5)}`;
    for (const altered of [
      [version, flip(iv), tag, ciphertext],
      [version, iv, flip(tag), ciphertext],
      [version, iv, tag, flip(ciphertext)],
      [version, iv, tag.slice(0, 10), ciphertext],
    ]) {
      const error = refusalOf(() => openPrivateKey(altered.join('.'), kek, key.kid));
      expect(authErrors.AUTH_KEY_DECRYPTION_FAILED.is(error)).toBe(true);
    }
  });

  test('when a sealed key is opened under another kid, then it fails (the kid is bound as AAD)', async () => {
    const key = await generateSigningKey();
    const sealed = sealPrivateKey(key.privateJwk, kek, key.kid);
    const error = refusalOf(() => openPrivateKey(sealed, kek, 'another-kid'));
    expect(authErrors.AUTH_KEY_DECRYPTION_FAILED.is(error)).toBe(true);
  });

  test('when a sealed key is opened with another encryption key, then it fails', async () => {
    const key = await generateSigningKey();
    const sealed = sealPrivateKey(key.privateJwk, kek, key.kid);
    const other = parseKeyEncryptionKey(randomBytes(32).toString('base64'));
    expect(
      authErrors.AUTH_KEY_DECRYPTION_FAILED.is(
        refusalOf(() => openPrivateKey(sealed, other, key.kid)),
      ),
    ).toBe(true);
  });

  test('when the sealed text has an unknown version or shape, then it fails without leaking it', () => {
    for (const sealed of ['', 'v2.a.b.c', 'v1.onlythree.parts', 'not sealed at all']) {
      const error = refusalOf(() => openPrivateKey(sealed, kek, 'kid'));
      expect(authErrors.AUTH_KEY_DECRYPTION_FAILED.is(error)).toBe(true);
    }
  });

  test('when the encryption key is not exactly 32 bytes of base64, then parsing names the problem and not the value', () => {
    const short = randomBytes(16).toString('base64');
    expect(() => parseKeyEncryptionKey(short)).toThrow('must be 32 bytes');
    expect(() => parseKeyEncryptionKey(short)).not.toThrow(short);
    expect(() => parseKeyEncryptionKey('not base64 at all!')).toThrow('must be 32 bytes');
    expect(parseKeyEncryptionKey(randomBytes(32).toString('base64url')).symmetricKeySize).toBe(32);
  });
});
