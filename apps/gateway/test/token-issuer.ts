import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  generateSigningKey,
  importSigningKey,
  type Role,
  type SigningKey,
  signAccessToken,
} from '@groundwork/auth';

export const TEST_ISSUER = 'https://identity.groundwork.test';

/** Identity's half of token handling for tests: a signing key, and its JWKS on a real port. */
export interface TokenIssuer {
  readonly jwksUrl: string;
  readonly issuer: string;
  /** An ES256 access token for `sub`, signed with the published key; valid unless overridden. */
  tokenFor(sub: string, overrides?: TokenOverrides): Promise<string>;
  /** A token that is valid in every way but signed by a key the JWKS does not publish. */
  foreignToken(sub: string): Promise<string>;
  close(): Promise<void>;
}

export interface TokenOverrides {
  readonly roles?: Role[];
  readonly issuer?: string;
  /** When the token was issued; an hour ago makes it expired. */
  readonly issuedAt?: Date;
}

export async function startTokenIssuer(): Promise<TokenIssuer> {
  const published = await generateSigningKey();
  const key: SigningKey = await importSigningKey(published.privateJwk);
  const foreign: SigningKey = await importSigningKey((await generateSigningKey()).privateJwk);
  const server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end(JSON.stringify({ keys: [published.publicJwk] }));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  const sign = async (sub: string, signingKey: SigningKey, overrides: TokenOverrides = {}) => {
    const { issuedAt } = overrides;
    const issued = await signAccessToken(
      { sub, org: 'org-1', roles: overrides.roles ?? ['member'] },
      {
        key: signingKey,
        issuer: overrides.issuer ?? TEST_ISSUER,
        ...(issuedAt === undefined ? {} : { now: () => issuedAt }),
      },
    );
    return issued.token;
  };

  return {
    jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    issuer: TEST_ISSUER,
    tokenFor: (sub, overrides) => sign(sub, key, overrides),
    foreignToken: (sub) => sign(sub, foreign),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
