import {
  type CryptoKey,
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  type JWK,
} from 'jose';

/** The one algorithm Groundwork signs with: ECDSA P-256, small and fast to verify. */
export const SIGNING_ALGORITHM = 'ES256';

/** A public key as published in the JWKS. */
export interface PublicSigningJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: 'ES256';
  readonly use: 'sig';
}

/** Freshly generated key material, before it is sealed and stored. */
export interface GeneratedSigningKey {
  readonly kid: string;
  /** Holds the private scalar `d`: seal it with `sealPrivateKey` before it touches a database. */
  readonly privateJwk: JWK;
  readonly publicJwk: PublicSigningJwk;
}

/** A private key ready to sign, as `signAccessToken` takes it. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

/**
 * Generates an ES256 key pair. Its kid is the RFC 7638 thumbprint of the public key: unique,
 * stable, and derived from the key itself, so a kid can never name two different keys.
 *
 * @example
 * const key = await generateSigningKey();
 * await keys.insert({ kid: key.kid, state: 'next', publicJwk: key.publicJwk,
 *   sealedPrivateKey: sealPrivateKey(key.privateJwk, kek, key.kid) });
 */
export async function generateSigningKey(): Promise<GeneratedSigningKey> {
  const { privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const exported = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint({
    kty: exported.kty,
    crv: exported.crv,
    x: exported.x,
    y: exported.y,
  } as JWK);
  const privateJwk: JWK = { ...exported, kid };
  return { kid, privateJwk, publicJwk: publicJwkOf(privateJwk) };
}

/**
 * The public half of a key, as the JWKS publishes it. Lists members explicitly, so that a
 * private member can never leak through a spread.
 *
 * @example
 * const jwks = { keys: records.map((record) => publicJwkOf(openPrivateKey(record.sealed, kek, record.kid))) };
 */
export function publicJwkOf(jwk: JWK): PublicSigningJwk {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256')
    throw new TypeError('Signing keys are EC P-256 (ES256)');
  if (typeof jwk.x !== 'string' || typeof jwk.y !== 'string') {
    throw new TypeError('An EC JWK needs its x and y coordinates');
  }
  if (typeof jwk.kid !== 'string' || jwk.kid === '')
    throw new TypeError('A signing key needs a kid');
  return { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y, kid: jwk.kid, alg: 'ES256', use: 'sig' };
}

/**
 * Imports a private JWK (as opened by `openPrivateKey`) for signing. The CryptoKey is not
 * extractable: once imported, the private scalar cannot be read back out of the process.
 *
 * @example
 * const signingKey = await importSigningKey(openPrivateKey(record.sealedPrivateKey, kek, record.kid));
 */
export async function importSigningKey(privateJwk: JWK): Promise<SigningKey> {
  const { kid } = publicJwkOf(privateJwk);
  if (typeof privateJwk.d !== 'string') throw new TypeError('A signing key needs its private part');
  const privateKey = await importJWK(privateJwk, SIGNING_ALGORITHM, { extractable: false });
  return { kid, privateKey: privateKey as CryptoKey };
}
