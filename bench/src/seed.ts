/** A token that acts for an organization as its owner, and a product of that organization. */
export interface Seed {
  readonly productId: string;
  accessToken(): Promise<string>;
}

async function call<T>(url: string, init: { method: string; token?: string; body?: unknown }) {
  const response = await fetch(url, {
    method: init.method,
    headers: {
      'content-type': 'application/json',
      ...(init.token === undefined ? {} : { authorization: `Bearer ${init.token}` }),
    },
    body: init.body === undefined ? null : JSON.stringify(init.body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${init.method} ${url}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

/**
 * Seeds through the services' own APIs, as a client would: sign up, create an organization,
 * sign in for it (the owner may write the catalog), add one product. `accessToken()` signs in
 * again, so a long run never sends an expired token.
 */
export async function seed(identityUrl: string, ordersUrl: string): Promise<Seed> {
  const email = `bench-${process.pid}-${Date.now()}@example.com`;
  const password = 'bench-password-long-enough';
  await call(`${identityUrl}/v1/auth/register`, { method: 'POST', body: { email, password } });
  const first = await call<{ accessToken: string }>(`${identityUrl}/v1/auth/login`, {
    method: 'POST',
    body: { email, password },
  });
  const organization = await call<{ id: string }>(`${identityUrl}/v1/organizations`, {
    method: 'POST',
    token: first.accessToken,
    body: { name: 'Bench' },
  });
  const accessToken = async () =>
    (
      await call<{ accessToken: string }>(`${identityUrl}/v1/auth/login`, {
        method: 'POST',
        body: { email, password, organizationId: organization.id },
      })
    ).accessToken;
  const product = await call<{ id: string }>(`${ordersUrl}/v1/products`, {
    method: 'POST',
    token: await accessToken(),
    body: { sku: 'BENCH-1', name: 'Bench widget', priceMinor: 1999, currency: 'EUR', stock: 10 },
  });
  return { productId: product.id, accessToken };
}
