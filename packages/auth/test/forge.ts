import { createHmac, createSign, type KeyObject } from 'node:crypto';
import { base64url } from 'jose';

/** Raw JWT assembly for the attack suite: any header, any payload, any signature. */
export type Json = Record<string, unknown>;

export function encodeSegment(value: Json | string): string {
  return base64url.encode(typeof value === 'string' ? value : JSON.stringify(value));
}

export function assemble(header: Json | string, payload: Json | string, signature = ''): string {
  return `${encodeSegment(header)}.${encodeSegment(payload)}.${signature}`;
}

/** Signs `header.payload` the way a JWS does, with a node:crypto key for the header's alg. */
export function signCompact(header: Json, payload: Json, sign: (input: string) => Buffer): string {
  const input = `${encodeSegment(header)}.${encodeSegment(payload)}`;
  return `${input}.${base64url.encode(sign(input))}`;
}

/** ES256/ES384 signature in JOSE form: r || s, not DER. */
export function ecdsaSigner(key: KeyObject, hash: 'sha256' | 'sha384'): (input: string) => Buffer {
  return (input) => {
    const signer = createSign(hash);
    signer.update(input);
    return signer.sign({ key, dsaEncoding: 'ieee-p1363' });
  };
}

/** ES256 signature in DER form, which JOSE does not use: a classic interop slip. */
export function derEcdsaSigner(key: KeyObject): (input: string) => Buffer {
  return (input) => {
    const signer = createSign('sha256');
    signer.update(input);
    return signer.sign({ key, dsaEncoding: 'der' });
  };
}

export function rsaSigner(key: KeyObject): (input: string) => Buffer {
  return (input) => {
    const signer = createSign('sha256');
    signer.update(input);
    return signer.sign(key);
  };
}

/** HMAC keyed with attacker-chosen bytes, e.g. the issuer's public key: RS/HS confusion. */
export function hmacSigner(
  secret: string | Buffer,
  hash: 'sha256' | 'sha384' | 'sha512' = 'sha256',
) {
  return (input: string) => createHmac(hash, secret).update(input).digest();
}

/** Flips one bit of the decoded signature, keeping it valid base64url of the same length. */
export function flipSignatureBit(token: string, byteIndex: number): string {
  const [header, payload, signature = ''] = token.split('.');
  const bytes = base64url.decode(signature);
  const index = byteIndex < 0 ? bytes.length + byteIndex : byteIndex;
  bytes[index] = (bytes[index] ?? 0) ^ 0x01;
  return `${header}.${payload}.${base64url.encode(bytes)}`;
}

/** Replaces the payload but keeps the original header and signature: claim tampering. */
export function withPayload(token: string, change: (claims: Json) => Json): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as Json;
  return `${header}.${encodeSegment(change(claims))}.${signature}`;
}

/** Replaces the header but keeps the payload and signature. */
export function withHeader(token: string, change: (header: Json) => Json): string {
  const [header, payload, signature] = token.split('.');
  const parsed = JSON.parse(new TextDecoder().decode(base64url.decode(header ?? ''))) as Json;
  return `${encodeSegment(change(parsed))}.${payload}.${signature}`;
}
