import {
  constants,
  createPublicKey,
  createSign,
  generateKeyPairSync,
  type KeyObject,
  sign,
} from 'node:crypto';
import { AppError, toProblem } from '@groundwork/errors';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  assemble,
  derEcdsaSigner,
  ecdsaSigner,
  flipSignatureBit,
  hmacSigner,
  type Json,
  rsaSigner,
  signCompact,
  withHeader,
  withPayload,
} from '../test/forge.ts';
import { ISSUER, makeTestKey, NOW, NOW_SECONDS, validClaims, validHeader } from '../test/issuer.ts';
import { type JwksServer, startJwksServer } from '../test/jwks-server.ts';
import { authErrors, INVALID_TOKEN_DETAIL } from './auth-errors.ts';
import { createLocalKeyResolver, createRemoteKeyResolver } from './key-resolvers.ts';
import { type RefusalReason, refusalOf } from './token-refusal.ts';
import { type VerifyAccessTokenOptions, verifyAccessToken } from './verify-access-token.ts';

const issuerKey = makeTestKey('issuer-key-1');
const attackerKey = makeTestKey('attacker-key');
const impostorKey = makeTestKey('issuer-key-1');
const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const ed25519 = generateKeyPairSync('ed25519').privateKey;
/** The issuer's public key as PEM: what an RS/HS confusion attack uses as the HMAC secret. */
const publicPem = createPublicKey(issuerKey.privateKey).export({ format: 'pem', type: 'spki' });

/** P-256 group order n: an r or s equal to it (or 0) must never verify. */
const P256_ORDER = Buffer.from(
  'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551',
  'hex',
);

let issuerJwks: JwksServer;
let attackerJwks: JwksServer;
let remoteOptions: VerifyAccessTokenOptions;
const localOptions: VerifyAccessTokenOptions = {
  keys: createLocalKeyResolver({ keys: [issuerKey.publicJwk] }),
  issuer: ISSUER,
  now: () => NOW,
};

beforeAll(async () => {
  issuerJwks = await startJwksServer({ keys: [issuerKey.publicJwk] });
  attackerJwks = await startJwksServer({ keys: [attackerKey.publicJwk, impostorKey.publicJwk] });
  remoteOptions = {
    keys: createRemoteKeyResolver({ url: issuerJwks.url }),
    issuer: ISSUER,
    now: () => NOW,
  };
});

afterAll(async () => {
  await Promise.all([issuerJwks.stop(), attackerJwks.stop()]);
});

/** A correctly signed ES256 token from the issuer's own key, with chosen header and claims. */
function issued(claims: Json = validClaims(), header: Json = validHeader(issuerKey.kid)): string {
  return signCompact(header, claims, ecdsaSigner(issuerKey.privateKey, 'sha256'));
}

function signedBy(key: KeyObject, header: Json, claims: Json = validClaims()): string {
  return signCompact(header, claims, ecdsaSigner(key, 'sha256'));
}

function withSignature(token: string, signature: Buffer): string {
  const [header, payload] = token.split('.');
  return `${header}.${payload}.${signature.toString('base64url')}`;
}

function without(claim: string): Json {
  const claims = validClaims();
  delete claims[claim];
  return claims;
}

function headerWithout(name: string): Json {
  const header: Json = validHeader(issuerKey.kid);
  delete header[name];
  return header;
}

interface Attack {
  readonly name: string;
  readonly token: () => string;
  /** The internal reason expected: proves the token fails for the right cause, not by accident. */
  readonly reason: RefusalReason;
  readonly claim?: string;
  /** The attacker's JWKS must see no request at all. */
  readonly attackerServerUntouched?: boolean;
}

const none = (alg: string) => () =>
  assemble({ alg, typ: 'at+jwt', kid: issuerKey.kid }, validClaims());

const attacks: Attack[] = [
  // alg: none, in every casing, and other algorithms outside the ES256 allowlist
  { name: 'alg is "none"', token: none('none'), reason: 'algorithm' },
  { name: 'alg is "None"', token: none('None'), reason: 'algorithm' },
  { name: 'alg is "NONE"', token: none('NONE'), reason: 'algorithm' },
  { name: 'alg is "nOnE"', token: none('nOnE'), reason: 'algorithm' },
  {
    name: 'alg is switched to none but the ES256 signature is kept',
    token: () => withHeader(issued(), (header) => ({ ...header, alg: 'none' })),
    reason: 'algorithm',
  },
  {
    name: 'the header has no alg at all',
    token: () => issued(validClaims(), headerWithout('alg')),
    reason: 'malformed',
  },
  {
    name: 'HS256 is keyed with the issuer public JWK as the HMAC secret (RS/HS confusion)',
    token: () =>
      signCompact(
        validHeader(issuerKey.kid, { alg: 'HS256' }),
        validClaims(),
        hmacSigner(JSON.stringify(issuerKey.publicJwk)),
      ),
    reason: 'algorithm',
  },
  {
    name: 'HS256 is keyed with the issuer public key PEM as the HMAC secret (RS/HS confusion)',
    token: () =>
      signCompact(
        validHeader(issuerKey.kid, { alg: 'HS256' }),
        validClaims(),
        hmacSigner(publicPem),
      ),
    reason: 'algorithm',
  },
  {
    name: 'HS512 is keyed with the issuer public key PEM as the HMAC secret',
    token: () =>
      signCompact(
        validHeader(issuerKey.kid, { alg: 'HS512' }),
        validClaims(),
        hmacSigner(publicPem, 'sha512'),
      ),
    reason: 'algorithm',
  },
  {
    name: 'the header claims RS256 over a genuine ES256 signature',
    token: () => withHeader(issued(), (header) => ({ ...header, alg: 'RS256' })),
    reason: 'algorithm',
  },
  {
    name: 'the token is ES384, signed by a P-384 key (unlisted alg)',
    token: () =>
      signCompact(
        validHeader(issuerKey.kid, { alg: 'ES384' }),
        validClaims(),
        ecdsaSigner(p384, 'sha384'),
      ),
    reason: 'algorithm',
  },
  {
    name: 'the token is RS256, signed by an RSA key (unlisted alg)',
    token: () =>
      signCompact(validHeader(issuerKey.kid, { alg: 'RS256' }), validClaims(), rsaSigner(rsa)),
    reason: 'algorithm',
  },
  {
    name: 'the token is PS256, signed by an RSA key (unlisted alg)',
    token: () =>
      signCompact(validHeader(issuerKey.kid, { alg: 'PS256' }), validClaims(), (input) => {
        const signer = createSign('sha256');
        signer.update(input);
        return signer.sign({ key: rsa, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
      }),
    reason: 'algorithm',
  },
  {
    name: 'the token is EdDSA, signed by an Ed25519 key (unlisted alg)',
    token: () =>
      signCompact(validHeader(issuerKey.kid, { alg: 'EdDSA' }), validClaims(), (input) =>
        sign(null, Buffer.from(input), ed25519),
      ),
    reason: 'algorithm',
  },

  // signatures that are missing, damaged or degenerate
  {
    name: 'the signature is stripped',
    token: () => `${issued().split('.').slice(0, 2).join('.')}.`,
    reason: 'signature',
  },
  {
    name: 'the first signature bit is flipped',
    token: () => flipSignatureBit(issued(), 0),
    reason: 'signature',
  },
  {
    name: 'the last signature bit is flipped',
    token: () => flipSignatureBit(issued(), -1),
    reason: 'signature',
  },
  {
    name: 'the signature is truncated by one byte',
    token: () =>
      withSignature(
        issued(),
        Buffer.from(issued().split('.')[2] ?? '', 'base64url').subarray(0, 63),
      ),
    reason: 'signature',
  },
  {
    name: 'the ES256 signature is r = s = 0 (psychic signature, CVE-2022-21449)',
    token: () => withSignature(issued(), Buffer.alloc(64)),
    reason: 'signature',
  },
  {
    name: 'the ES256 signature is r = s = n, the curve order',
    token: () => withSignature(issued(), Buffer.concat([P256_ORDER, P256_ORDER])),
    reason: 'signature',
  },
  {
    name: 'the ES256 signature is DER-encoded instead of r || s',
    token: () =>
      signCompact(validHeader(issuerKey.kid), validClaims(), derEcdsaSigner(issuerKey.privateKey)),
    reason: 'signature',
  },
  {
    name: 'the signature of another genuine token is spliced in',
    token: () => {
      const other = issued(validClaims({ sub: 'user-2' })).split('.')[2] ?? '';
      return withSignature(issued(), Buffer.from(other, 'base64url'));
    },
    reason: 'signature',
  },
  {
    name: 'another valid ES256 key signs with the issuer kid',
    token: () => signedBy(impostorKey.privateKey, validHeader(issuerKey.kid)),
    reason: 'signature',
  },

  // claims changed after signing
  {
    name: 'the org claim is changed to another tenant',
    token: () => withPayload(issued(), (claims) => ({ ...claims, org: 'org-b' })),
    reason: 'signature',
  },
  {
    name: 'the roles claim is elevated to owner',
    token: () => withPayload(issued(), (claims) => ({ ...claims, roles: ['owner'] })),
    reason: 'signature',
  },
  {
    name: 'the sub claim is changed to another user',
    token: () => withPayload(issued(), (claims) => ({ ...claims, sub: 'user-admin' })),
    reason: 'signature',
  },
  {
    name: 'exp is pushed a day later',
    token: () => withPayload(issued(), (claims) => ({ ...claims, exp: NOW_SECONDS + 86_400 })),
    reason: 'signature',
  },
  {
    name: 'the typ header is rewritten after signing',
    token: () =>
      withHeader(issued(validClaims(), validHeader(issuerKey.kid, { typ: 'JWT' })), (header) => ({
        ...header,
        typ: 'at+jwt',
      })),
    reason: 'signature',
  },

  // keys offered by the token itself, and hostile kids
  {
    name: 'the header embeds the attacker public key as jwk',
    token: () =>
      signedBy(
        attackerKey.privateKey,
        validHeader(attackerKey.kid, { jwk: attackerKey.publicJwk }),
      ),
    reason: 'unknown_key',
  },
  {
    name: 'the header embeds the attacker public key as jwk under the issuer kid',
    token: () =>
      signedBy(
        attackerKey.privateKey,
        validHeader(issuerKey.kid, { jwk: { ...attackerKey.publicJwk, kid: issuerKey.kid } }),
      ),
    reason: 'signature',
  },
  {
    name: 'jku points at the attacker JWKS on loopback',
    token: () =>
      signedBy(
        attackerKey.privateKey,
        validHeader(attackerKey.kid, { jku: attackerJwks.url.href }),
      ),
    reason: 'unknown_key',
    attackerServerUntouched: true,
  },
  {
    name: 'jku points at the attacker JWKS, which publishes a key under the issuer kid',
    token: () =>
      signedBy(impostorKey.privateKey, validHeader(issuerKey.kid, { jku: attackerJwks.url.href })),
    reason: 'signature',
    attackerServerUntouched: true,
  },
  {
    name: 'x5u points at the attacker server on loopback',
    token: () =>
      signedBy(
        attackerKey.privateKey,
        validHeader(attackerKey.kid, { x5u: attackerJwks.url.href }),
      ),
    reason: 'unknown_key',
    attackerServerUntouched: true,
  },
  {
    name: 'x5c embeds a certificate chain',
    token: () =>
      signedBy(
        attackerKey.privateKey,
        validHeader(attackerKey.kid, { x5c: [Buffer.from('not a cert').toString('base64')] }),
      ),
    reason: 'unknown_key',
  },
  {
    name: 'kid is a path traversal',
    token: () => signedBy(attackerKey.privateKey, validHeader('../../../../../../dev/null')),
    reason: 'unknown_key',
  },
  {
    name: 'kid is a SQL injection',
    token: () => signedBy(attackerKey.privateKey, validHeader("' OR '1'='1' --")),
    reason: 'unknown_key',
  },
  {
    name: 'kid is missing, though the issuer key signed it',
    token: () => issued(validClaims(), headerWithout('kid')),
    reason: 'unknown_key',
  },
  {
    name: 'kid is a number',
    token: () => issued(validClaims(), validHeader(issuerKey.kid, { kid: 1 })),
    reason: 'unknown_key',
  },
  {
    name: 'kid is 300 characters long',
    token: () => signedBy(attackerKey.privateKey, validHeader('k'.repeat(300))),
    reason: 'unknown_key',
  },

  // genuine signatures over claims that must not pass
  {
    name: 'the token expired a minute ago',
    token: () => issued(validClaims({ iat: NOW_SECONDS - 600, exp: NOW_SECONDS - 60 })),
    reason: 'expired',
    claim: 'exp',
  },
  {
    name: 'nbf is two minutes in the future',
    token: () => issued(validClaims({ nbf: NOW_SECONDS + 120 })),
    reason: 'claim',
    claim: 'nbf',
  },
  {
    name: 'iat is two minutes in the future',
    token: () => issued(validClaims({ iat: NOW_SECONDS + 120, exp: NOW_SECONDS + 600 })),
    reason: 'claim',
    claim: 'iat',
  },
  { name: 'exp is missing', token: () => issued(without('exp')), reason: 'claim', claim: 'exp' },
  { name: 'iat is missing', token: () => issued(without('iat')), reason: 'claim', claim: 'iat' },
  { name: 'aud is missing', token: () => issued(without('aud')), reason: 'claim', claim: 'aud' },
  { name: 'iss is missing', token: () => issued(without('iss')), reason: 'claim', claim: 'iss' },
  { name: 'sub is missing', token: () => issued(without('sub')), reason: 'claim', claim: 'sub' },
  { name: 'jti is missing', token: () => issued(without('jti')), reason: 'claim', claim: 'jti' },
  {
    name: 'iss names another issuer',
    token: () => issued(validClaims({ iss: 'https://evil.example' })),
    reason: 'claim',
    claim: 'iss',
  },
  {
    name: 'iss differs by a trailing slash',
    token: () => issued(validClaims({ iss: `${ISSUER}/` })),
    reason: 'claim',
    claim: 'iss',
  },
  {
    name: 'aud names another audience',
    token: () => issued(validClaims({ aud: 'billing' })),
    reason: 'claim',
    claim: 'aud',
  },
  {
    name: 'typ is JWT (an ID token or other JWT, not an access token)',
    token: () => issued(validClaims(), validHeader(issuerKey.kid, { typ: 'JWT' })),
    reason: 'claim',
    claim: 'typ',
  },
  {
    name: 'typ is missing',
    token: () => issued(validClaims(), headerWithout('typ')),
    reason: 'claim',
    claim: 'typ',
  },
  {
    name: 'the token lives a year (exp - iat beyond 15 minutes)',
    token: () => issued(validClaims({ iat: NOW_SECONDS - 10, exp: NOW_SECONDS + 31_536_000 })),
    reason: 'claim',
    claim: 'exp',
  },
  {
    name: 'exp is a string',
    token: () => issued(validClaims({ exp: String(NOW_SECONDS + 300) })),
    reason: 'claim',
    claim: 'exp',
  },
  {
    name: 'roles holds an unknown role',
    token: () => issued(validClaims({ roles: ['superuser'] })),
    reason: 'claim',
    claim: 'roles',
  },
  {
    name: 'org is not a string',
    token: () => issued(validClaims({ org: { $ne: null } })),
    reason: 'claim',
    claim: 'org',
  },
  {
    name: 'sub is empty',
    token: () => issued(validClaims({ sub: '' })),
    reason: 'claim',
    claim: 'sub',
  },
  {
    name: 'crit names an unknown extension',
    token: () => issued(validClaims(), validHeader(issuerKey.kid, { crit: ['exp-x'], 'exp-x': 1 })),
    reason: 'malformed',
  },
  {
    name: 'b64 is false (unencoded payload)',
    token: () => issued(validClaims(), validHeader(issuerKey.kid, { b64: false, crit: ['b64'] })),
    reason: 'malformed',
  },

  // shapes that are not a compact JWS at all
  {
    name: 'it has 2 segments',
    token: () => issued().split('.').slice(0, 2).join('.'),
    reason: 'malformed',
  },
  {
    name: 'it has 4 segments',
    token: () => `${issued()}.${issued().split('.')[2]}`,
    reason: 'malformed',
  },
  { name: 'it has 5 segments (JWE shape)', token: () => 'a.b.c.d.e', reason: 'malformed' },
  { name: 'it is empty', token: () => '', reason: 'malformed' },
  {
    name: 'the header is not base64url',
    token: () => `!!!.${issued().split('.').slice(1).join('.')}`,
    reason: 'malformed',
  },
  {
    name: 'the header is base64url of something that is not JSON',
    token: () =>
      `${Buffer.from('{alg:ES256').toString('base64url')}.${issued().split('.').slice(1).join('.')}`,
    reason: 'malformed',
  },
  {
    name: 'the payload is a JSON array',
    token: () =>
      signCompact(
        validHeader(issuerKey.kid),
        [] as unknown as Json,
        ecdsaSigner(issuerKey.privateKey, 'sha256'),
      ),
    reason: 'malformed',
  },
  { name: 'it is padded with whitespace', token: () => ` ${issued()} `, reason: 'malformed' },
  {
    name: 'it still carries the Bearer prefix',
    token: () => `Bearer ${issued()}`,
    reason: 'malformed',
  },
  {
    name: 'it is oversized (8 KB) though genuinely signed',
    token: () => issued(validClaims({ padding: 'x'.repeat(8192) })),
    reason: 'too_large',
  },
];

const expectedProblem = toProblem(authErrors.AUTH_TOKEN_INVALID.create(INVALID_TOKEN_DETAIL), {
  instance: '/v1/orders',
});

/** Both ways a verifier gets keys: services fetch the JWKS over HTTP, the issuer holds its own. */
const verifiers: { name: string; options: () => VerifyAccessTokenOptions }[] = [
  { name: 'keys from the issuer JWKS over HTTP', options: () => remoteOptions },
  { name: 'keys from a local JWKS', options: () => localOptions },
];

describe('JWT attack suite: every crafted token is refused with the same error', () => {
  for (const verifier of verifiers) {
    describe(verifier.name, () => {
      test('when a genuine token is presented, then it verifies (the suite refuses only what it should)', async () => {
        await expect(verifyAccessToken(issued(), verifier.options())).resolves.toMatchObject({
          sub: 'user-1',
        });
      });

      for (const attack of attacks) {
        test(`when ${attack.name}, then the token is refused as AUTH_TOKEN_INVALID`, async () => {
          const before = attackerJwks.fetches;
          const error = await verifyAccessToken(attack.token(), verifier.options()).then(
            () => undefined,
            (thrown: unknown) => thrown,
          );
          expect(error).toBeInstanceOf(AppError);
          expect(authErrors.AUTH_TOKEN_INVALID.is(error)).toBe(true);
          expect((error as AppError).message).toBe(INVALID_TOKEN_DETAIL);
          expect(toProblem(error, { instance: '/v1/orders' })).toEqual(expectedProblem);
          const refusal = refusalOf(error);
          expect(refusal?.reason).toBe(attack.reason);
          if (attack.claim !== undefined) expect(refusal?.claim).toBe(attack.claim);
          if (attack.attackerServerUntouched) expect(attackerJwks.fetches).toBe(before);
        });
      }
    });
  }

  test('when the whole suite has run, then the attacker JWKS saw 0 fetches and the issuer JWKS was fetched once', () => {
    expect(attacks.length).toBeGreaterThanOrEqual(40);
    expect(attackerJwks.fetches).toBe(0);
    // Forged kids do not make the verifier hammer the issuer: the cooldown allows no refetch.
    expect(issuerJwks.fetches).toBe(1);
  });
});
