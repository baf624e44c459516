import { PERMISSIONS } from '@groundwork/auth';
import type { Service } from '@groundwork/service-kit';
import Type from 'typebox';
import type { KeyRing } from '../security/key-ring.ts';

export interface WellKnownRoutesOptions {
  readonly keyRing: KeyRing;
  readonly issuer: string;
  readonly jwksMaxAgeSeconds: number;
}

const Jwk = Type.Object({
  kty: Type.Literal('EC'),
  crv: Type.Literal('P-256'),
  x: Type.String(),
  y: Type.String(),
  kid: Type.String(),
  alg: Type.Literal('ES256'),
  use: Type.Literal('sig'),
});

/** The public keys and the issuer metadata that verifiers and clients discover. */
export async function wellKnownRoutes(
  app: Service,
  options: WellKnownRoutesOptions,
): Promise<void> {
  // `issuer` is echoed exactly (verifiers compare it byte for byte); URLs are built on it.
  const base = options.issuer.replace(/\/+$/, '');

  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Public keys that verify access tokens (RFC 7517)',
        description:
          'The active key, the next key (published before it signs) and retired keys until their tokens expire.',
        response: { 200: Type.Object({ keys: Type.Array(Jwk) }) },
      },
    },
    async (_request, reply) => {
      const jwks = await options.keyRing.jwks();
      // Cacheable, but never longer than the rotation's publication lead assumes.
      return reply
        .header('cache-control', `public, max-age=${options.jwksMaxAgeSeconds}`)
        .type('application/jwk-set+json')
        .send(jwks);
    },
  );

  app.get(
    '/.well-known/openid-configuration',
    {
      schema: {
        tags: ['discovery'],
        summary: 'Issuer metadata (the subset of OpenID Connect Discovery / RFC 8414 that applies)',
        response: {
          200: Type.Object({
            issuer: Type.String(),
            jwks_uri: Type.String(),
            token_endpoint: Type.String(),
            grant_types_supported: Type.Array(Type.String()),
            token_endpoint_auth_methods_supported: Type.Array(Type.String()),
            scopes_supported: Type.Array(Type.String()),
            access_token_signing_alg_values_supported: Type.Array(Type.String()),
          }),
        },
      },
    },
    async (_request, reply) =>
      reply.header('cache-control', 'public, max-age=3600').send({
        issuer: options.issuer,
        jwks_uri: `${base}/.well-known/jwks.json`,
        token_endpoint: `${base}/v1/auth/token`,
        grant_types_supported: ['client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        scopes_supported: [...PERMISSIONS],
        access_token_signing_alg_values_supported: ['ES256'],
      }),
  );
}
