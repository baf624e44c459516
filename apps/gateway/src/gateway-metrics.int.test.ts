import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import {
  type FailingUpstreamProcess,
  startFailingUpstreamProcess,
} from '../test/failing-upstream-process.ts';
import { type FixtureUpstream, startFixtureUpstream } from '../test/fixture-upstream.ts';
import { buildTestGateway, type TestGateway } from '../test/gateway-harness.ts';
import type { RouteEntry } from './route-table.ts';

// Public routes: this is about the upstream, not about tokens.
const ROUTES: RouteEntry[] = [
  { prefix: '/v1/orders', upstream: 'orders', access: 'public', rateLimit: 'standard' },
  { prefix: '/v1/users', upstream: 'identity', access: 'public', rateLimit: 'standard' },
];

describeWithServices('gateway metrics', ['redis'], () => {
  const redis = useRedis();

  test('when the breaker to a failing upstream process opens, then /metrics shows breaker_state 2 for it and 0 for the other upstream', async () => {
    let orders: FailingUpstreamProcess | undefined;
    let identity: FixtureUpstream | undefined;
    let gateway: TestGateway | undefined;
    try {
      orders = await startFailingUpstreamProcess();
      identity = await startFixtureUpstream();
      gateway = await buildTestGateway({
        routes: ROUTES,
        upstreams: { orders: orders.url, identity: identity.url },
        env: {
          REDIS_URL: redis.url,
          RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
          BREAKER_CONSECUTIVE_FAILURES: '3',
          BREAKER_HALF_OPEN_AFTER_MS: '60000',
        },
      });
      const { app } = gateway;
      const scrape = async () => {
        const response = await app.inject('/metrics');
        expect(response.statusCode).toBe(200);
        return response.body;
      };

      const before = await scrape();
      expect(before).toContain('# TYPE breaker_state gauge');
      expect(before).toContain('breaker_state{upstream="orders"} 0');

      // POST: never retried, so each call is exactly one failure the breaker counts.
      for (let i = 0; i < 3; i += 1) {
        expect((await app.inject({ method: 'POST', url: '/v1/orders' })).statusCode).toBe(500);
      }
      const refused = await app.inject({ method: 'POST', url: '/v1/orders' });
      expect(refused.json()).toMatchObject({ code: 'GATEWAY_UPSTREAM_CIRCUIT_OPEN' });

      const after = await scrape();
      expect(after).toContain('breaker_state{upstream="orders"} 2');
      expect(after).toContain('breaker_state{upstream="identity"} 0');
    } finally {
      await gateway?.app.close();
      await Promise.all([orders?.stop(), identity?.close()]);
    }
  });
});
