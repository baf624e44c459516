import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort } from '@groundwork/testing';
import { describeWithServices, useRedis } from '@groundwork/testing/vitest';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import {
  echo,
  type FixtureUpstream,
  failWith,
  hang,
  holdUntil,
  startFixtureUpstream,
} from '../test/fixture-upstream.ts';
import { buildTestGateway, type TestGateway } from '../test/gateway-harness.ts';
import { listen } from '../test/http-client.ts';
import type { RouteEntry } from './route-table.ts';

// Public routes: these tests are about the upstream, not about tokens.
const ROUTES: RouteEntry[] = [
  { prefix: '/v1/orders', upstream: 'orders', access: 'public', rateLimit: 'standard' },
  { prefix: '/v1/users', upstream: 'identity', access: 'public', rateLimit: 'standard' },
];

/** Resolves once `count` of `promises` have settled, whichever they are. */
function settled<T>(promises: readonly Promise<T>[], count: number): Promise<void> {
  let done = 0;
  return new Promise((resolve) => {
    for (const promise of promises) {
      promise.finally(() => {
        done += 1;
        if (done === count) resolve();
      });
    }
  });
}

describeWithServices('upstream resilience', ['redis'], () => {
  const redis = useRedis();
  const open: (TestGateway | FixtureUpstream)[] = [];
  let orders: FixtureUpstream;
  let identity: FixtureUpstream;

  const closeAll = () =>
    Promise.all(open.splice(0).map((item) => ('app' in item ? item.app.close() : item.close())));

  /** A gateway on fresh fixtures; `origins` points an upstream elsewhere (a closed port). */
  async function start(env: Record<string, string> = {}, origins: Record<string, string> = {}) {
    orders = await startFixtureUpstream();
    identity = await startFixtureUpstream();
    open.push(orders, identity);
    const gateway = await buildTestGateway({
      routes: ROUTES,
      upstreams: { identity: identity.url, orders: orders.url, ...origins },
      env: {
        REDIS_URL: redis.url,
        RATE_LIMIT_KEY_PREFIX: `${redis.prefix}rate-limit:`,
        UPSTREAM_RETRY_DELAY_MS: '5',
        ...env,
      },
    });
    open.push(gateway);
    const call = (method: 'GET' | 'POST', url = '/v1/orders') =>
      gateway.app.inject({ method, url, ...(method === 'POST' ? { payload: { a: 1 } } : {}) });
    const breakers = async () => {
      const ready = await gateway.app.inject('/health/ready');
      // Breakers are reported, never a reason to leave the load balancer.
      expect(ready.statusCode).toBe(200);
      return ready.json<{ upstreams: unknown[] }>().upstreams;
    };
    return { gateway, call, breakers };
  }

  function expectProblem(response: LightMyRequestResponse, status: number, code: string) {
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({ status, code });
  }

  // One gateway whose breaker goes through the steps of these tests, in order.
  describe('circuit breaker', () => {
    // Long enough that a loaded CI machine finishes the opening burst before half-open begins.
    const HALF_OPEN_AFTER_MS = 1_500;
    let call: Awaited<ReturnType<typeof start>>['call'];
    let breakers: Awaited<ReturnType<typeof start>>['breakers'];

    beforeAll(async () => {
      ({ call, breakers } = await start({
        BREAKER_CONSECUTIVE_FAILURES: '5',
        BREAKER_HALF_OPEN_AFTER_MS: String(HALF_OPEN_AFTER_MS),
      }));
    });
    afterAll(closeAll);

    test('when orders fails 5 times in a row, then the breaker opens and the gateway answers 503 at once', async () => {
      orders.behave(failWith(500));

      for (let i = 0; i < 5; i += 1) {
        const failed = await call('POST');
        // The service's own error passes through unchanged while the breaker is closed.
        expect(failed.statusCode).toBe(500);
        expect(failed.json()).toMatchObject({ code: 'UPSTREAM_FAILED' });
      }
      const refused = await Promise.all(Array.from({ length: 20 }, () => call('GET')));

      for (const response of refused) {
        expectProblem(response, 503, 'GATEWAY_UPSTREAM_CIRCUIT_OPEN');
        expect(Number(response.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      }
      expect(orders.received).toHaveLength(5);
      expect(await breakers()).toEqual([
        { name: 'identity', breaker: 'closed' },
        { name: 'orders', breaker: 'open' },
      ]);
      // The other upstream has its own breaker.
      expect((await call('GET', '/v1/users/u-1')).statusCode).toBe(200);
    });

    test('when the half-open delay has passed, then exactly one probe reaches the upstream, and its success closes the breaker', async () => {
      let release = () => {};
      orders.behave(holdUntil(new Promise<void>((resolve) => (release = resolve))));
      const before = orders.received.length;
      // The breaker opens for a fixed time: waiting it out is the behaviour under test.
      await sleep(HALF_OPEN_AFTER_MS + 50);

      const calls = Array.from({ length: 5 }, () => call('GET'));
      await orders.receivedAtLeast(before + 1);
      await settled(calls, 4);
      expect(orders.received).toHaveLength(before + 1);
      expect(await breakers()).toContainEqual({ name: 'orders', breaker: 'half-open' });
      release();
      const responses = await Promise.all(calls);

      expect(responses.filter((response) => response.statusCode === 200)).toHaveLength(1);
      for (const response of responses.filter((candidate) => candidate.statusCode !== 200)) {
        expectProblem(response, 503, 'GATEWAY_UPSTREAM_CIRCUIT_OPEN');
      }
      expect(await breakers()).toContainEqual({ name: 'orders', breaker: 'closed' });
      orders.behave(echo);
      expect((await call('GET')).statusCode).toBe(200);
      expect(orders.received).toHaveLength(before + 2);
    });

    test('when the probe fails, then the breaker opens again', async () => {
      orders.behave(failWith(503));
      for (let i = 0; i < 5; i += 1) await call('POST');
      expect(await breakers()).toContainEqual({ name: 'orders', breaker: 'open' });
      await sleep(HALF_OPEN_AFTER_MS + 50);
      const before = orders.received.length;

      const probe = await call('POST');
      const next = await call('POST');

      expect(probe.statusCode).toBe(503);
      expect(probe.json()).toMatchObject({ code: 'UPSTREAM_FAILED' });
      expectProblem(next, 503, 'GATEWAY_UPSTREAM_CIRCUIT_OPEN');
      expect(orders.received).toHaveLength(before + 1);
    });
  });

  describe('one gateway per test', () => {
    afterEach(closeAll);

    test('when the upstream hangs, then every call ends as 504 at the deadline and each is sent once', async () => {
      const TIMEOUT_MS = 300;
      const { call } = await start({
        UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS),
        BREAKER_CONSECUTIVE_FAILURES: '100',
      });
      orders.behave(hang);

      const timed = await Promise.all(
        (['GET', 'GET', 'GET', 'POST', 'POST', 'POST'] as const).map(async (method) => {
          const started = performance.now();
          const response = await call(method);
          return { response, elapsedMs: performance.now() - started };
        }),
      );

      for (const { response, elapsedMs } of timed) {
        expectProblem(response, 504, 'GATEWAY_UPSTREAM_TIMEOUT');
        // Generous slack for a loaded machine; the point is "at the deadline", not "fast".
        expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 5);
        expect(elapsedMs).toBeLessThan(TIMEOUT_MS + 1_000);
      }
      expect(orders.received).toHaveLength(6);
    });

    test('when a GET meets a 503, then it is retried with backoff, and a POST never is', async () => {
      const { call } = await start({
        UPSTREAM_MAX_RETRIES: '2',
        BREAKER_CONSECUTIVE_FAILURES: '100',
      });
      orders.behave(failWith(503));

      const post = await call('POST');
      const postAttempts = orders.received.length;
      const get = await call('GET');

      expect(post.statusCode).toBe(503);
      expect(postAttempts).toBe(1);
      expect(get.statusCode).toBe(503);
      expect(orders.received.filter((request) => request.method === 'GET')).toHaveLength(3);
    });

    test('when the upstream drops the connection, then a GET is retried and succeeds, and a POST gets 502 after one try', async () => {
      const { call } = await start({
        UPSTREAM_MAX_RETRIES: '2',
        BREAKER_CONSECUTIVE_FAILURES: '100',
      });
      let drops = 0;
      orders.behave((request, response) => {
        if (request.method === 'GET' && drops >= 1) return echo(request, response);
        drops += 1;
        response.socket?.destroy();
      });

      const get = await call('GET');
      const post = await call('POST');

      expect(get.statusCode).toBe(200);
      expect(orders.received.filter((request) => request.method === 'GET')).toHaveLength(2);
      expectProblem(post, 502, 'GATEWAY_BAD_UPSTREAM');
      expect(orders.received.filter((request) => request.method === 'POST')).toHaveLength(1);
    });

    test('when the upstream drops the connection halfway through a small body, then a GET is retried and succeeds, and a POST gets 502, never a truncated 200', async () => {
      const { call } = await start({
        UPSTREAM_MAX_RETRIES: '2',
        BREAKER_CONSECUTIVE_FAILURES: '100',
      });
      let cuts = 0;
      orders.behave((request, response) => {
        if (request.method === 'GET' && cuts >= 1) return echo(request, response);
        cuts += 1;
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        response.write('{"cut":');
        setTimeout(() => response.socket?.destroy(), 10);
      });

      const get = await call('GET');
      const post = await call('POST');

      expect(get.statusCode).toBe(200);
      expect(get.json()).toMatchObject({ method: 'GET' });
      expect(orders.received.filter((request) => request.method === 'GET')).toHaveLength(2);
      expectProblem(post, 502, 'GATEWAY_BAD_UPSTREAM');
      expect(orders.received.filter((request) => request.method === 'POST')).toHaveLength(1);
    });

    test('when the upstream answers with a body larger than 64 KiB, then it streams through byte for byte', async () => {
      const { call } = await start({});
      const body = Buffer.alloc(200 * 1024, 'groundwork ');
      orders.behave((_request, response) => {
        response.writeHead(200, {
          'content-type': 'application/octet-stream',
          'content-length': String(body.length),
        });
        response.end(body);
      });

      const response = await call('GET');

      expect(response.statusCode).toBe(200);
      expect(response.headers['content-length']).toBe(String(body.length));
      expect(response.rawPayload.equals(body)).toBe(true);
    });

    test('when retries would exceed the retry budget, then the gateway stops retrying', async () => {
      const { call } = await start({
        UPSTREAM_MAX_RETRIES: '2',
        UPSTREAM_RETRY_BUDGET_RATIO: '0.5',
        UPSTREAM_RETRY_BUDGET_MIN_PER_SECOND: '0',
        BREAKER_CONSECUTIVE_FAILURES: '1000',
      });
      orders.behave(failWith(503));

      for (let i = 0; i < 10; i += 1) expect((await call('GET')).statusCode).toBe(503);

      const retries = orders.received.length - 10;
      // Without a budget: 20 retries. With it: at most half the 10 calls.
      expect(retries).toBeGreaterThan(0);
      expect(retries).toBeLessThanOrEqual(5);
    });

    test('when an upstream has as many calls in flight as allowed, then the next one is refused with 503 at once', async () => {
      const { call } = await start({ UPSTREAM_MAX_CONCURRENCY: '2' });
      let release = () => {};
      orders.behave(holdUntil(new Promise<void>((resolve) => (release = resolve))));

      const inFlight = [call('GET'), call('GET')];
      await orders.receivedAtLeast(2);
      const refused = await call('GET');
      release();

      expectProblem(refused, 503, 'GATEWAY_UPSTREAM_BUSY');
      expect(refused.headers['retry-after']).toBe('1');
      for (const response of await Promise.all(inFlight)) expect(response.statusCode).toBe(200);
      expect(orders.received).toHaveLength(2);
    });

    test('when clients hang up before the upstream answers, then their slots are freed at once and the breaker stays closed (regression: the bench load ending opened the identity breaker, 12k 503s on /v1/users/me)', async () => {
      const { gateway, call, breakers } = await start({
        UPSTREAM_MAX_CONCURRENCY: '5',
        BREAKER_CONSECUTIVE_FAILURES: '2',
        // Short, so that a hung-up call wrongly left to the deadline opens the breaker here.
        UPSTREAM_TIMEOUT_MS: '1000',
      });
      let release = () => {};
      orders.behave(holdUntil(new Promise<void>((resolve) => (release = resolve))));
      const origin = await listen(gateway.app);
      const { port } = new URL(origin);

      const clients = Array.from({ length: 5 }, () => {
        const outgoing = httpRequest({ host: '127.0.0.1', port, path: '/v1/orders', agent: false });
        outgoing.on('error', () => {});
        outgoing.end();
        return outgoing;
      });
      await orders.receivedAtLeast(5);
      for (const client of clients) client.destroy();
      orders.behave(echo);

      // Every slot was held by a call whose client left: the next call gets one as soon as the
      // gateway has seen the hang-ups, well before the 1 s deadline could free them.
      let next = await call('GET');
      while (next.statusCode === 503 && next.json().code === 'GATEWAY_UPSTREAM_BUSY') {
        await sleep(10);
        next = await call('GET');
      }
      expect(next.statusCode).toBe(200);
      expect(await breakers()).toContainEqual({ name: 'orders', breaker: 'closed' });
      release();

      // One line for each request that was given up, as for any other request.
      const givenUp = gateway.logs.filter((line) => line.statusCode === 499);
      expect(givenUp).toHaveLength(5);
      expect(givenUp[0]).toMatchObject({ level: 'info', route: '/v1/orders' });
      // Busy answers to the polling above are expected; no timeout, no open breaker.
      const failures = gateway.logs.filter(
        (line) =>
          line.level === 'error' &&
          (line.err as { code?: string } | undefined)?.code !== 'GATEWAY_UPSTREAM_BUSY',
      );
      expect(failures).toEqual([]);
    });

    test('when an upstream refuses connections, then 502 problem+json', async () => {
      const { call } = await start({}, { orders: `http://127.0.0.1:${await freePort()}` });

      expectProblem(await call('GET'), 502, 'GATEWAY_BAD_UPSTREAM');
      expectProblem(await call('POST'), 502, 'GATEWAY_BAD_UPSTREAM');
    });

    test('when one upstream is slow, then calls to the other upstream are not delayed', async () => {
      const { call } = await start({ UPSTREAM_TIMEOUT_MS: '5000' });
      let release = () => {};
      orders.behave(holdUntil(new Promise<void>((resolve) => (release = resolve))));

      const slow = call('GET');
      await orders.receivedAtLeast(1);
      let slowDone = false;
      void slow.then(() => {
        slowDone = true;
      });
      const fast = await call('GET', '/v1/users/u-1');

      expect(fast.statusCode).toBe(200);
      expect(slowDone).toBe(false);
      release();
      expect((await slow).statusCode).toBe(200);
    });
  });
});
