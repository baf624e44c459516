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

/** An organization's owner, signed in for it, and products of that organization. */
export interface Tenant {
  readonly productIds: readonly string[];
  accessToken(): Promise<string>;
}

/**
 * Seeds one tenant through the services' own APIs, as a client would: sign up, create an
 * organization, sign in for it (the owner may write the catalog), add `products` products with
 * `stock` each. `accessToken()` signs in again, so a long run never sends an expired token.
 */
export async function seedTenant(
  identityUrl: string,
  ordersUrl: string,
  { products, stock }: { readonly products: number; readonly stock: number },
): Promise<Tenant> {
  const email = `bench-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`;
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
  const token = await accessToken();
  const productIds: string[] = [];
  for (let i = 1; i <= products; i += 1) {
    const product = await call<{ id: string }>(`${ordersUrl}/v1/products`, {
      method: 'POST',
      token,
      body: {
        sku: `BENCH-${i}`,
        name: `Bench widget ${i}`,
        priceMinor: 1999,
        currency: 'EUR',
        stock,
      },
    });
    productIds.push(product.id);
  }
  return { productIds, accessToken };
}

/** The bench's one tenant with one product, for the cached read. */
export async function seed(identityUrl: string, ordersUrl: string): Promise<Seed> {
  const tenant = await seedTenant(identityUrl, ordersUrl, { products: 1, stock: 10 });
  return { productId: tenant.productIds[0] as string, accessToken: tenant.accessToken };
}
