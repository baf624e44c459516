import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * A bearer secret that is only ever compared, never parsed: 256 random bits, base64url. Refresh
 * tokens and client secrets are such tokens.
 */
export function newOpaqueToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * What is stored instead of the token. SHA-256 suffices for 256-bit random secrets (a slow
 * password hash protects guessable inputs; these cannot be guessed) and allows lookup by hash.
 */
export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('base64url');
}

/** Compares a presented token with a stored hash in constant time. */
export function opaqueTokenMatches(token: string, storedHash: string): boolean {
  const presented = Buffer.from(hashOpaqueToken(token));
  const stored = Buffer.from(storedHash);
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
