import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { type PublicSigningJwk, publicJwkOf } from '../src/signing-keys.ts';

export const ISSUER = 'https://identity.groundwork.test';
export const AUDIENCE = 'groundwork';
/** The fixed "now" of token tests: verification gets it through the `now` option. */
export const NOW = new Date('2026-03-01T12:00:00.000Z');
export const NOW_SECONDS = Math.floor(NOW.getTime() / 1000);

/** An ES256 key as the issuer holds it, plus the node:crypto form for forging raw tokens. */
export interface TestKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  readonly privateJwk: JWK;
  readonly publicJwk: PublicSigningJwk;
}

export function makeTestKey(kid: string): TestKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = { ...(privateKey.export({ format: 'jwk' }) as JWK), kid };
  return { kid, privateKey, privateJwk, publicJwk: publicJwkOf(privateJwk) };
}

/** A complete, valid claim set at NOW; attack cases derive theirs from it. */
export function validClaims(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    iss: ISSUER,
    aud: AUDIENCE,
    sub: 'user-1',
    iat: NOW_SECONDS - 60,
    exp: NOW_SECONDS + 540,
    jti: 'b7f5c1de-3f1a-4f8e-9a59-0c6f2f7a9e10',
    org: 'org-a',
    roles: ['member'],
    scope: 'orders:read',
    ...overrides,
  };
}

export function validHeader(kid: string, overrides: Record<string, unknown> = {}) {
  return { alg: 'ES256', typ: 'at+jwt', kid, ...overrides };
}
