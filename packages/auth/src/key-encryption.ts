import {
  createCipheriv,
  createDecipheriv,
  createSecretKey,
  type KeyObject,
  randomBytes,
} from 'node:crypto';
import type { JWK } from 'jose';
import { authErrors } from './auth-errors.ts';

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_BYTES = 32;

/**
 * Reads the key-encryption key from config: 32 random bytes in base64 or base64url
 * (`openssl rand -base64 32`). The error never repeats the value, which is a secret.
 *
 * @example
 * const kek = parseKeyEncryptionKey(config.SIGNING_KEY_ENCRYPTION_KEY);
 */
export function parseKeyEncryptionKey(encoded: string): KeyObject {
  const bytes = /^[A-Za-z0-9+/_-]+={0,2}$/.test(encoded.trim())
    ? Buffer.from(encoded.trim(), 'base64')
    : Buffer.alloc(0);
  if (bytes.byteLength !== KEY_BYTES) {
    throw new TypeError(
      `The signing key encryption key must be 32 bytes, base64-encoded (got ${bytes.byteLength} bytes)`,
    );
  }
  return createSecretKey(bytes);
}

/**
 * Encrypts a private JWK for storage with AES-256-GCM: a fresh 96-bit IV per call, and the kid
 * as additional authenticated data, so a sealed key copied onto another key's row fails to open.
 * Output: `v1.<iv>.<tag>.<ciphertext>`, base64url; the version allows a later algorithm change.
 *
 * @example
 * const sealed = sealPrivateKey(key.privateJwk, kek, key.kid);
 */
export function sealPrivateKey(privateJwk: JWK, kek: KeyObject, kid: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(kid, 'utf8'));
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(privateJwk), 'utf8'),
    cipher.final(),
  ]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/**
 * Decrypts what `sealPrivateKey` produced. Any failure (wrong key, wrong kid, altered bytes,
 * unknown format) is AUTH_KEY_DECRYPTION_FAILED, an internal error: it means a broken deployment
 * or tampered storage, never a client mistake.
 *
 * @example
 * const signingKey = await importSigningKey(openPrivateKey(record.sealedPrivateKey, kek, record.kid));
 */
export function openPrivateKey(sealed: string, kek: KeyObject, kid: string): JWK {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || !ciphertext || rest.length > 0) {
    throw authErrors.AUTH_KEY_DECRYPTION_FAILED.create(`Sealed key ${kid} has an unknown format`);
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', kek, Buffer.from(iv, 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(kid, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
    return JSON.parse(plain.toString('utf8')) as JWK;
  } catch (cause) {
    throw authErrors.AUTH_KEY_DECRYPTION_FAILED.create(`Sealed key ${kid} could not be decrypted`, {
      cause,
    });
  }
}
