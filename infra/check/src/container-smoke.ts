// The container stage's smoke test (infra/docker/containers.sh): one customer journey through the
// gateway of a running stack, then the worker's notification of that order in its database.
// GATEWAY_URL and WORKER_DATABASE_URL point at the stack; exits 1 on the first failure.
import { randomUUID } from 'node:crypto';
import pg from 'pg';

const { GATEWAY_URL = 'http://127.0.0.1:3000', WORKER_DATABASE_URL } = process.env;
const print = (line: string) => process.stdout.write(`${line}\n`);

async function call(
  method: string,
  path: string,
  body: unknown,
  expected: number,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const response = await fetch(`${GATEWAY_URL}${path}`, {
    method,
    headers: {
      'content-type': 'application/json',
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expected) {
    throw new Error(`${method} ${path}: expected ${expected}, got ${response.status} ${text}`);
  }
  print(`ok   ${method} ${path} -> ${response.status}`);
  return JSON.parse(text) as Record<string, string>;
}

async function notificationOf(orderId: string, timeoutMs: number): Promise<string> {
  if (!WORKER_DATABASE_URL) throw new Error('WORKER_DATABASE_URL is not set');
  const client = new pg.Client({ connectionString: WORKER_DATABASE_URL });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // The confirmation names the order by the first 8 characters of its id, upper-cased.
      const { rows } = await client.query<{ kind: string; channel: string | null }>(
        'select kind, channel from notifications where subject like $1',
        [`%${orderId.slice(0, 8).toUpperCase()}%`],
      );
      const sent = rows.find((row) => row.channel !== null);
      if (sent) return `${sent.kind} via ${sent.channel}`;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const { rows } = await client.query('select kind, subject, channel from notifications');
    throw new Error(
      `no notification of order ${orderId} within ${timeoutMs} ms: ${JSON.stringify(rows)}`,
    );
  } finally {
    await client.end();
  }
}

const email = `smoke-${randomUUID()}@example.test`;
const password = 'correct horse battery staple';
await call('POST', '/v1/auth/register', { email, password }, 201);
const signedIn = await call('POST', '/v1/auth/login', { email, password }, 200);
const organization = await call(
  'POST',
  '/v1/organizations',
  { name: 'Smoke Test Ltd' },
  201,
  signedIn.accessToken,
);
const owner = await call(
  'POST',
  '/v1/auth/refresh',
  { refreshToken: signedIn.refreshToken, organizationId: organization.id },
  200,
);
const product = await call(
  'POST',
  '/v1/products',
  {
    sku: `smoke-${randomUUID().slice(0, 8)}`,
    name: 'Chair',
    priceMinor: 4_999,
    currency: 'EUR',
    stock: 5,
  },
  201,
  owner.accessToken,
);
const order = await call(
  'POST',
  '/v1/orders',
  { lines: [{ productId: product.id, quantity: 1 }] },
  201,
  owner.accessToken,
  { 'idempotency-key': randomUUID() },
);
print(`ok   worker notification: ${await notificationOf(String(order.id), 30_000)}`);
