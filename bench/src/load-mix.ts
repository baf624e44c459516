import { randomUUID } from 'node:crypto';
import { Agent, request } from 'node:http';
import { positiveIntegerEnv } from './env-integer.ts';
import { pinToLoadCore } from './processes.ts';
import { seedTenant, type Tenant } from './seed.ts';
import { startStack } from './stack.ts';
import {
  type CallRecord,
  mixTable,
  pick,
  SHOP_MIX,
  type ShopCall,
  summarize,
} from './traffic-mix.ts';

/**
 * `npm run load-mix -w @groundwork/bench`: a realistic load through the gateway, where
 * `npm run bench` measures one call at a time. Several tenants, each an organization's owner with
 * its own token and catalog, send the shop's mix (`SHOP_MIX`: product pages, catalog pages, order
 * history, orders placed with an Idempotency-Key) from `LOAD_MIX_CONNECTIONS` concurrent clients
 * for `LOAD_MIX_SECONDS`. Servers run as in the bench (pinned to core 0, telemetry unset, one log
 * line per request); the load runs on core 1.
 *
 * It prints calls per second, p50 and p99 per kind of call, and every status. Then it checks that
 * nothing was lost: each tenant's order history holds exactly the orders answered 201. It exits 1
 * when a call failed (5xx, no response) or an order is missing or extra.
 *
 * Environment (defaults in brackets): LOAD_MIX_SECONDS [20], LOAD_MIX_CONNECTIONS [50],
 * LOAD_MIX_TENANTS [4], LOAD_MIX_PRODUCTS [25] per tenant.
 */

const SECONDS = positiveIntegerEnv('LOAD_MIX_SECONDS', 20);
const CONNECTIONS = positiveIntegerEnv('LOAD_MIX_CONNECTIONS', 50);
const TENANTS = positiveIntegerEnv('LOAD_MIX_TENANTS', 4);
const PRODUCTS = positiveIntegerEnv('LOAD_MIX_PRODUCTS', 25);
const print = (line: string) => process.stdout.write(`${line}\n`);

interface SignedIn {
  readonly tenant: Tenant;
  readonly token: string;
}

interface Response {
  readonly status: number;
  readonly body: string;
}

function send(
  agent: Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const outgoing = request(url, { agent, method, headers, timeout: 10_000 }, (incoming) => {
      let text = '';
      incoming.setEncoding('utf8');
      incoming.on('data', (chunk: string) => {
        text += chunk;
      });
      incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, body: text }));
      incoming.on('error', reject);
    });
    outgoing.on('timeout', () => outgoing.destroy(new Error('no answer within 10 s')));
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const randomOf = <T>(items: readonly T[]): T =>
  items[Math.floor(Math.random() * items.length)] as T;

/** One call of `kind` for `caller`; what it is, as the mix names it. */
function shopCall(kind: ShopCall, caller: SignedIn) {
  const headers: Record<string, string> = { authorization: `Bearer ${caller.token}` };
  switch (kind) {
    case 'read a product':
      return { method: 'GET', path: `/v1/products/${randomOf(caller.tenant.productIds)}`, headers };
    case 'list products':
      return { method: 'GET', path: '/v1/products?limit=20', headers };
    case 'list orders':
      return { method: 'GET', path: '/v1/orders?limit=20', headers };
    case 'place an order':
      return {
        method: 'POST',
        path: '/v1/orders',
        headers: {
          ...headers,
          'content-type': 'application/json',
          'idempotency-key': randomUUID(),
        },
        body: JSON.stringify({
          lines: [{ productId: randomOf(caller.tenant.productIds), quantity: 1 }],
        }),
      };
  }
}

/** Every order in a tenant's history, page by page. */
async function countOrders(agent: Agent, origin: string, caller: SignedIn): Promise<number> {
  let count = 0;
  let cursor: string | null = null;
  do {
    const url = new URL('/v1/orders', origin);
    url.searchParams.set('limit', '100');
    if (cursor !== null) url.searchParams.set('cursor', cursor);
    const response = await send(agent, url, 'GET', { authorization: `Bearer ${caller.token}` });
    if (response.status !== 200) throw new Error(`GET ${url}: ${response.status} ${response.body}`);
    const page = JSON.parse(response.body) as { items: unknown[]; nextCursor: string | null };
    count += page.items.length;
    cursor = page.nextCursor;
  } while (cursor !== null);
  return count;
}

async function main() {
  pinToLoadCore();
  const stack = await startStack([{ key: 'mix', env: { LOG_LEVEL: 'info' } }]);
  let failed = false;
  try {
    const pair = stack.pairs.get('mix');
    if (pair === undefined) throw new Error('no pair started');
    print(`seeding ${TENANTS} tenants with ${PRODUCTS} products each`);
    const callers: SignedIn[] = [];
    for (let i = 0; i < TENANTS; i += 1) {
      const tenant = await seedTenant(stack.identityUrl, pair.ordersUrl, {
        products: PRODUCTS,
        stock: 1_000_000_000,
      });
      callers.push({ tenant, token: await tenant.accessToken() });
    }

    const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS });
    const records: CallRecord[] = [];
    const created = new Map<SignedIn, number>(callers.map((caller) => [caller, 0]));
    const deadline = performance.now() + SECONDS * 1000;
    print(`${CONNECTIONS} clients, ${SECONDS} s, through the gateway`);
    // Each client is one tenant's user, calling again as soon as it has an answer.
    const client = async (caller: SignedIn) => {
      while (performance.now() < deadline) {
        const kind = pick(SHOP_MIX, Math.random());
        const call = shopCall(kind, caller);
        const started = performance.now();
        let status = 0;
        try {
          const response = await send(
            agent,
            new URL(call.path, pair.gatewayUrl),
            call.method,
            call.headers,
            call.body,
          );
          status = response.status;
        } catch {
          // No response: counted as status 0.
        }
        records.push({ kind, status, ms: performance.now() - started });
        if (kind === 'place an order' && status === 201) {
          created.set(caller, (created.get(caller) ?? 0) + 1);
        }
      }
    };
    await Promise.all(
      Array.from({ length: CONNECTIONS }, (_, i) =>
        client(callers[i % callers.length] as SignedIn),
      ),
    );

    const summaries = summarize(SHOP_MIX, records);
    print('');
    print(mixTable(summaries, SECONDS));
    const errors = records.filter((record) => record.status === 0 || record.status >= 500);
    if (errors.length > 0) {
      failed = true;
      print(`\nFAIL ${errors.length} calls failed (5xx or no response)`);
    }

    print('');
    for (const [index, caller] of callers.entries()) {
      const answered = created.get(caller) ?? 0;
      const stored = await countOrders(agent, pair.gatewayUrl, caller);
      const verdict = stored === answered ? 'PASS' : 'FAIL';
      if (stored !== answered) failed = true;
      print(
        `${verdict} tenant ${index + 1}: ${answered} orders answered 201, ${stored} in its history`,
      );
    }
    agent.destroy();
  } finally {
    await stack.close();
  }
  process.exitCode = failed ? 1 : 0;
}

await main();
