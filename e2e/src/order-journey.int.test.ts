import { randomBytes, randomUUID } from 'node:crypto';
import {
  type OtlpReceiver,
  type ReceivedSpan,
  startOtlpReceiver,
} from '@groundwork/telemetry/otlp-receiver';
import { type PrometheusScrape, parsePrometheusText } from '@groundwork/telemetry/prometheus-text';
import { freePort, until } from '@groundwork/testing';
import { describeWithServices, usePostgres, useRedis } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type AppName, type AppProcess, startApp } from '../test/support/app-process.ts';
import {
  alertRules,
  dashboardQueries,
  declaredMissing,
  metricNames,
} from '../test/support/observability-files.ts';
import {
  createMigratedDatabase,
  query,
  type ThrowawayDatabase,
} from '../test/support/throwaway-database.ts';

/** The whole journey (migrations, four boots, the order, the job, the flush) stays under a minute. */
const JOURNEY_TIMEOUT_MS = 60_000;

describeWithServices('one order through the four apps', ['postgres', 'redis'], () => {
  // The harness's own database is unused: it lends its server's admin URL for ours.
  const postgres = usePostgres();
  const redis = useRedis();

  let receiver: OtlpReceiver;
  const databases = new Map<'identity' | 'orders' | 'worker', ThrowawayDatabase>();
  const apps = new Map<AppName, AppProcess>();
  const scrapes = new Map<AppName, PrometheusScrape>();
  let orderId: string;
  let spans: ReceivedSpan[];
  /** The trace of `POST /v1/orders`, as orders received it. */
  let traceId: string;

  const app = (name: AppName) => apps.get(name) as AppProcess;
  const inTrace = () => spans.filter((span) => span.traceId === traceId);
  const of = (service: AppName) =>
    inTrace().filter((span) => span.resource['service.name'] === service);

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    // Registered as each is ready, so that afterAll drops them even if a sibling fails.
    await Promise.all(
      (['identity', 'orders', 'worker'] as const).map(async (service) => {
        databases.set(service, await createMigratedDatabase(postgres.adminUrl, service));
      }),
    );
    // Tokens name their issuer by identity's own URL, which the verifiers compare exactly.
    const identityPort = await freePort();
    const identityUrl = `http://127.0.0.1:${identityPort}`;
    await startOne('identity', {
      PORT: String(identityPort),
      TOKEN_ISSUER: identityUrl,
      DATABASE_URL: url('identity'),
      REDIS_URL: redis.url,
      SIGNING_KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // Cheap hashes: this test is about the path of a request, not password strength.
      ARGON2_MEMORY_KIB: '1024',
      ARGON2_TIME_COST: '1',
      ARGON2_PARALLELISM: '1',
    });
    const tokens = {
      JWKS_URL: `${identityUrl}/.well-known/jwks.json`,
      TOKEN_ISSUER: identityUrl,
    };
    const [ordersUrl] = await Promise.all([
      startOne('orders', {
        ...tokens,
        DATABASE_URL: url('orders'),
        REDIS_URL: redis.url,
        PRODUCT_CACHE_NAMESPACE: `${redis.prefix}orders:product:v1`,
        FEATURE_FLAGS_NAMESPACE: `${redis.prefix}orders:flags`,
      }),
      startOne('worker', {
        DATABASE_URL: url('worker'),
        REDIS_URL: redis.url,
        QUEUE_PREFIX: `${redis.prefix}bull`,
        OUTBOX_SOURCES: `orders=${url('orders')}`,
        // The scheduled jobs load orders' and identity's code at start; the journey needs none
        // of them (apps/worker/src/maintenance-adapters.int.test.ts runs them).
        MAINTENANCE_JOBS: 'none',
        OUTBOX_POLL_INTERVAL_MS: '200',
        NOTIFICATION_CHANNEL: 'log',
      }),
    ]);
    await startOne('gateway', {
      ...tokens,
      REDIS_URL: redis.url,
      IDENTITY_URL: identityUrl,
      ORDERS_URL: ordersUrl,
      RATE_LIMIT_KEY_PREFIX: `${redis.prefix}gateway:rate-limit:`,
    });

    orderId = await placeOrderThroughGateway(app('gateway').url);
    // The worker database is this test's own: any notification is the one of this order.
    await until(
      `the worker's notification of order ${orderId}`,
      async () => (await query(url('worker'), 'SELECT 1 FROM notifications')).length > 0,
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    for (const [name, child] of apps) {
      scrapes.set(name, parsePrometheusText(await (await fetch(`${child.url}/metrics`)).text()));
    }
    // Spans leave in 5 s batches; closing flushes them, and the log lines are complete.
    const codes = await Promise.all([...apps.values()].map((child) => child.stop()));
    expect(codes).toEqual([0, 0, 0, 0]);
    spans = await receiver.waitFor(
      (received) =>
        received.some(
          (span) => span.kind === 'server' && span.attributes['http.route'] === '/v1/orders',
        ),
      5_000,
    );
    const ordersServer = spans.find(
      (span) =>
        span.resource['service.name'] === 'orders' &&
        span.kind === 'server' &&
        span.attributes['http.route'] === '/v1/orders',
    ) as ReceivedSpan;
    traceId = ordersServer.traceId;
  }, JOURNEY_TIMEOUT_MS);

  afterAll(async () => {
    await Promise.all([...apps.values()].map((child) => child.kill()));
    await Promise.all([...databases.values()].map((database) => database.drop()));
    await receiver?.close();
  });

  function url(service: 'identity' | 'orders' | 'worker'): string {
    return (databases.get(service) as ThrowawayDatabase).url;
  }

  async function startOne(name: AppName, env: Record<string, string>): Promise<string> {
    const child = await startApp(name, {
      ...env,
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      DEPLOYMENT_ENVIRONMENT: 'e2e',
    });
    apps.set(name, child);
    return child.url;
  }

  describe('the trace', () => {
    test('when an order is placed through the gateway, then the gateway server span is the root of the trace orders continues', () => {
      const [root] = of('gateway').filter((span) => span.kind === 'server');
      expect(root).toMatchObject({ parentSpanId: '', name: expect.stringMatching(/^POST /) });
      // Orders' server span hangs under the gateway's outgoing call, not beside it.
      const ordersServer = of('orders').find((span) => span.kind === 'server') as ReceivedSpan;
      const caller = of('gateway').find((span) => span.spanId === ordersServer.parentSpanId);
      expect(caller).toMatchObject({ kind: 'client' });
      expect(ordersServer.name).toBe('POST /v1/orders');
    });

    test('when orders writes the order, then its Postgres queries are children of its server span', () => {
      const server = of('orders').find((span) => span.kind === 'server') as ReceivedSpan;
      const queries = of('orders').filter(
        (span) => span.attributes['db.system.name'] === 'postgresql',
      );
      expect(queries.map((span) => String(span.attributes['db.query.text']))).toEqual(
        expect.arrayContaining([expect.stringContaining('INSERT INTO "public"."orders"')]),
      );
      for (const query of queries) expect(query.parentSpanId).toBe(server.spanId);
    });

    test('when the request touches Redis (the edge deny-list and rate limit, orders, then the relay enqueue), then the Redis commands are in the trace', () => {
      const commands = inTrace().filter((span) => span.attributes['db.system.name'] === 'redis');
      const services = new Set(commands.map((span) => span.resource['service.name']));
      expect([...services].sort()).toEqual(['gateway', 'orders', 'worker']);
      for (const command of commands) expect(command.kind).toBe('client');
    });

    test('when orders writes the outbox row, then the row carries the trace context of the request', async () => {
      const rows = await query<{ traceparent: string }>(
        url('orders'),
        'SELECT traceparent FROM outbox WHERE traceparent LIKE $1',
        [`00-${traceId}-%`],
      );
      expect(rows.length).toBeGreaterThan(0);
      const ordersSpanIds = of('orders').map((span) => span.spanId);
      for (const { traceparent } of rows) {
        expect(ordersSpanIds).toContain(traceparent.split('-')[2]);
      }
    });

    test('when the worker runs the jobs of the order event, then each consumer span continues the orders trace and every worker span of the trace descends from one', () => {
      const consumers = of('worker').filter((span) => span.kind === 'consumer');
      expect(consumers.map((span) => span.name)).toContain('process notifications');
      // The relay continued the outbox row's traceparent in its send span, whose context the job
      // data carries: each job's span is in the request's trace, under the relay's send.
      const sends = of('worker')
        .filter((span) => span.kind === 'producer')
        .map((span) => span.spanId);
      for (const consumer of consumers) expect(sends).toContain(consumer.parentSpanId);

      const workerQueries = of('worker').filter(
        (span) => span.attributes['db.system.name'] === 'postgresql',
      );
      expect(workerQueries.map((span) => String(span.attributes['db.query.text']))).toEqual(
        expect.arrayContaining([expect.stringContaining('INSERT INTO "public"."notifications"')]),
      );
      const byId = new Map(inTrace().map((span) => [span.spanId, span]));
      for (const span of of('worker')) {
        let ancestor: ReceivedSpan | undefined = span;
        // A worker span descends from a job it runs, or from the relay's send of one.
        while (
          ancestor !== undefined &&
          ancestor.kind !== 'consumer' &&
          ancestor.kind !== 'producer'
        ) {
          ancestor = byId.get(ancestor.parentSpanId);
        }
        expect(ancestor?.resource['service.name'], span.name).toBe('worker');
      }
    });

    test('when the outbox relay enqueues the event, then a producer span "send <queue>" of the worker is in the trace, parent of the consumer span', () => {
      const producers = of('worker').filter((span) => span.kind === 'producer');
      expect(producers.map((span) => span.name)).toEqual(
        expect.arrayContaining([expect.stringMatching(/^send /)]),
      );
      // The relay's span continues the request that wrote the event.
      const ordersSpanIds = of('orders').map((span) => span.spanId);
      for (const producer of producers) expect(ordersSpanIds).toContain(producer.parentSpanId);
      const producerIds = producers.map((span) => span.spanId);
      for (const consumer of of('worker').filter((span) => span.kind === 'consumer')) {
        expect(producerIds).toContain(consumer.parentSpanId);
      }
    });
  });

  describe('the logs', () => {
    test.each(['gateway', 'orders', 'worker'] as const)(
      'when %s handles its hop of the order, then its log lines carry the trace id',
      (name) => {
        const lines = app(name).lines.filter((line) => line.traceId === traceId);
        expect(lines.length).toBeGreaterThan(0);
        // Every such line also names the span it was written in.
        const spanIds = new Set(of(name).map((span) => span.spanId));
        expect(lines.every((line) => spanIds.has(String(line.spanId)))).toBe(true);
      },
    );
  });

  describe('the alert rules and the dashboard against the live /metrics', () => {
    /** Every sample name the four apps exposed, suffixes included (`..._bucket`). */
    const exported = () =>
      new Set(
        [...scrapes.values()].flatMap((scrape) => scrape.samples.map((sample) => sample.name)),
      );
    /** Names Prometheus makes itself, or that the rules file records. */
    const notScraped = () =>
      new Set([
        'up',
        ...alertRules().flatMap((rule) => (rule.record === undefined ? [] : [rule.record])),
      ]);

    test('when a dashboard panel queries a metric, then one of the apps exports it', () => {
      const missing = dashboardQueries()
        .flatMap((query) => metricNames(query.expr))
        .filter((name) => !exported().has(name));
      expect(missing).toEqual([]);
    });

    test('when an alert rule reads a metric, then the apps export it, unless the rule says it does not exist yet; and those it lists are indeed absent', () => {
      for (const rule of alertRules()) {
        const missing = declaredMissing(rule);
        for (const name of metricNames(rule.expr)) {
          if (notScraped().has(name) || missing.includes(name)) continue;
          expect(exported(), `${rule.alert ?? rule.record} reads ${name}`).toContain(name);
        }
        // Once an app exports it, the annotation and the report of what is missing are stale.
        for (const name of missing) expect(exported(), String(rule.alert)).not.toContain(name);
      }
    });
  });

  describe('the metrics', () => {
    test.each([
      ['gateway', 'POST', '/v1/orders', '201'],
      ['identity', 'POST', '/v1/auth/login', '200'],
      ['orders', 'POST', '/v1/orders', '201'],
      ['worker', 'GET', '/health/ready', '200'],
    ] as const)(
      'when %s answered %s %s, then /metrics parses and counts it in the RED histogram',
      (name, method, route, status) => {
        const scrape = scrapes.get(name) as PrometheusScrape;
        const labels = { method, route, status_code: status };
        expect(
          scrape.find('http_server_request_duration_seconds_count', labels)[0]?.value,
        ).toBeGreaterThanOrEqual(1);
        expect(
          scrape.find('http_server_request_duration_seconds_bucket', { ...labels, le: '+Inf' }),
        ).toHaveLength(1);
        expect(scrape.find('process_cpu_seconds_total')).toHaveLength(1);
        // Route patterns only: no label holds the raw URL of the order.
        expect(JSON.stringify(scrape.samples.map((sample) => sample.labels))).not.toContain(
          orderId,
        );
      },
    );
  });
});

/** Registers, signs in, creates an organization, a product as its owner, and orders it. */
async function placeOrderThroughGateway(gateway: string): Promise<string> {
  const email = `e2e-${randomUUID()}@example.test`;
  const password = 'correct horse battery staple';
  await call(gateway, 'POST', '/v1/auth/register', { email, password }, 201);
  const signedIn = await call(gateway, 'POST', '/v1/auth/login', { email, password }, 200);
  const organization = await call(
    gateway,
    'POST',
    '/v1/organizations',
    { name: 'E2E Robotics' },
    201,
    signedIn.accessToken,
  );
  const owner = await call(
    gateway,
    'POST',
    '/v1/auth/refresh',
    { refreshToken: signedIn.refreshToken, organizationId: organization.id },
    200,
  );
  const product = await call(
    gateway,
    'POST',
    '/v1/products',
    {
      sku: `e2e-${randomUUID().slice(0, 8)}`,
      name: 'Chair',
      description: 'A chair',
      priceMinor: 4_999,
      currency: 'EUR',
      stock: 10,
    },
    201,
    owner.accessToken,
  );
  const order = await call(
    gateway,
    'POST',
    '/v1/orders',
    { lines: [{ productId: product.id, quantity: 1 }] },
    201,
    owner.accessToken,
    { 'idempotency-key': randomUUID() },
  );
  return String(order.id);
}

async function call(
  base: string,
  method: string,
  path: string,
  body: unknown,
  expected: number,
  token?: string,
  headers: Record<string, string> = {},
): Promise<Record<string, string>> {
  const response = await fetch(`${base}${path}`, {
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
  return JSON.parse(text) as Record<string, string>;
}
