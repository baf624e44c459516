import { commonErrors } from '@groundwork/errors';
import { createLogger, recordLines } from '@groundwork/logger';
import Type from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Send, type TestResponse, viaInject, viaSocket } from '../test/transports.ts';
import { createService, type Service } from './create-service.ts';

const LISTED_ORIGIN = 'https://app.example.com';
const SECRET = 'password=hunter2 at db.internal:5432';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** An app with one route per outcome the kit has to shape, and its log lines. */
async function buildApp(): Promise<{ app: Service; logs: Record<string, unknown>[] }> {
  const { lines: logs, destination } = recordLines();
  const app = await createService({
    name: 'kit-test',
    // Ad-hoc routes that test other concerns, not an API: no convention checks.
    routeConventions: false,
    logger: createLogger({ service: 'kit-test', level: 'info', destination }),
    corsOrigins: [LISTED_ORIGIN],
    bodyLimitBytes: 1024,
    // A loaded test runner's stall must not shed the request under test.
    loadShedding: { maxEventLoopDelayMs: 0 },
  });
  app.get('/ok', async () => ({ ok: true }));
  app.post(
    '/v1/things',
    {
      schema: {
        body: Type.Object(
          {
            email: Type.String({ format: 'email' }),
            quantity: Type.Integer({ minimum: 1 }),
            name: Type.String(),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ name: Type.String() }) },
      },
    },
    async (request) => {
      request.log.info({ thing: request.body.name }, 'thing accepted');
      return { name: request.body.name };
    },
  );
  app.get(
    '/v1/search',
    { schema: { querystring: Type.Object({ limit: Type.Integer({ maximum: 100 }) }) } },
    async (request) => request.query,
  );
  app.get('/boom', async () => {
    throw new Error(SECRET);
  });
  app.get('/taken', async () => {
    throw commonErrors.CONFLICT.create('That name is taken.');
  });
  return { app, logs };
}

function expectProblem(res: TestResponse, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.json();
  expect(problem).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
  });
  expect(problem.requestId).toBe(res.headers['x-request-id']);
  return problem;
}

function expectSecurityHeaders(res: TestResponse) {
  expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+; includeSubDomains/);
  expect(res.headers['content-security-policy']).toContain("default-src 'none'");
  expect(res.headers['x-content-type-options']).toBe('nosniff');
  expect(res.headers['x-frame-options']).toBeDefined();
  expect(res.headers['x-powered-by']).toBeUndefined();
}

describe.each([viaInject, viaSocket])('createService, through $name', (transport) => {
  let app: Service;
  let logs: Record<string, unknown>[];
  let send: Send;

  beforeAll(async () => {
    ({ app, logs } = await buildApp());
    send = await transport.connect(app);
  });
  afterAll(() => app.close());

  describe('problem+json', () => {
    it('when validation fails, then each failing field is listed', async () => {
      const res = await send({
        method: 'POST',
        url: '/v1/things',
        body: { email: 'nope', quantity: 0 },
      });

      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.instance).toBe('/v1/things');
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { field: '/body/email', message: expect.stringContaining('email') },
          { field: '/body/quantity', message: expect.stringContaining('>= 1') },
          { field: '/body/name', message: expect.stringContaining('name') },
        ]),
      );
      expect(problem.errors).toHaveLength(3);
    });

    it('when a body has an unknown property, then 400 lists the field', async () => {
      const res = await send({
        method: 'POST',
        url: '/v1/things',
        body: { email: 'a@b.co', quantity: 1, name: 'x', role: 'admin' },
      });

      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([{ field: '/body/role', message: 'is not a known property' }]);
    });

    it('when a query parameter fails validation, then the field points into the query', async () => {
      const res = await send({ url: '/v1/search?limit=500' });

      const problem = expectProblem(res, 400, 'VALIDATION_FAILED');
      expect(problem.errors).toEqual([
        { field: '/query/limit', message: expect.stringContaining('<= 100') },
      ]);
    });

    it('when a route outside /v1 is called, then 404 problem+json', async () => {
      const res = await send({ url: '/things?token=s3cret-query-value' });

      const problem = expectProblem(res, 404, 'ROUTE_NOT_FOUND');
      expect(problem.detail).toBe('No route matches GET /things.');
      expect(problem.instance).toBe('/things');
      expect(res.text).not.toContain('s3cret-query-value');
    });

    it('when the body is larger than the limit, then 413', async () => {
      const res = await send({
        method: 'POST',
        url: '/v1/things',
        body: { name: 'x'.repeat(2048) },
      });

      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('when the body is not JSON, then 415', async () => {
      const res = await send({
        method: 'POST',
        url: '/v1/things',
        headers: { 'content-type': 'application/xml' },
        body: '<thing/>',
      });

      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('when the body is text/plain, then 415 (no CORS-simple bodies)', async () => {
      const res = await send({
        method: 'POST',
        url: '/v1/things',
        headers: { 'content-type': 'text/plain' },
        body: '{"email":"a@b.co","quantity":1,"name":"x"}',
      });

      expectProblem(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('when the body carries a __proto__ key, then 400 and nothing is parsed', async () => {
      const res = await send({
        method: 'POST',
        url: '/v1/things',
        headers: { 'content-type': 'application/json' },
        body: '{"email":"a@b.co","quantity":1,"name":"x","__proto__":{"admin":true}}',
      });

      expectProblem(res, 400, 'MALFORMED_REQUEST');
    });

    it('when a handler throws an AppError, then its kind sets the status and its detail is kept', async () => {
      const res = await send({ url: '/taken' });

      expect(expectProblem(res, 409, 'CONFLICT').detail).toBe('That name is taken.');
    });

    it('when a handler throws an unknown error, then the client gets a generic 500 problem without the message', async () => {
      const res = await send({ url: '/boom' });

      const problem = expectProblem(res, 500, 'INTERNAL');
      expect(res.text).not.toContain('hunter2');
      expect(res.text).not.toContain('create-service.test');
      expect(Object.keys(problem).sort()).toEqual(
        ['code', 'detail', 'instance', 'requestId', 'status', 'title', 'type'].sort(),
      );
      const logged = logs.find((line) => line.requestId === problem.requestId && line.err);
      expect(JSON.stringify(logged)).toContain('hunter2');
    });
  });

  describe('security headers', () => {
    it('when any route answers, then CSP, HSTS and nosniff headers are set', async () => {
      const answers = [
        await send({ url: '/ok' }),
        await send({ method: 'POST', url: '/v1/things', body: {} }),
        await send({ url: '/nowhere' }),
        await send({ method: 'POST', url: '/v1/things', body: { name: 'x'.repeat(2048) } }),
        await send({ url: '/boom' }),
        await send({ url: '/health/ready' }),
      ];

      expect(answers.map((res) => res.status)).toEqual([200, 400, 404, 413, 500, 200]);
      for (const res of answers) expectSecurityHeaders(res);
    });
  });

  it('when a service starts, then security headers, request ids and problem+json errors are in place', async () => {
    const res = await send({ url: '/nowhere', headers: { 'x-request-id': 'start-check-1' } });

    expectSecurityHeaders(res);
    expect(res.headers['x-request-id']).toBe('start-check-1');
    expectProblem(res, 404, 'ROUTE_NOT_FOUND');
  });

  describe('CORS', () => {
    it('when a listed origin calls, then it is allowed by name', async () => {
      const res = await send({ url: '/ok', headers: { origin: LISTED_ORIGIN } });

      expect(res.headers['access-control-allow-origin']).toBe(LISTED_ORIGIN);
      expect(res.headers.vary).toContain('Origin');
    });

    it('when a listed origin sends a preflight, then the methods and headers are allowed', async () => {
      const res = await send({
        method: 'OPTIONS',
        url: '/v1/things',
        headers: {
          origin: LISTED_ORIGIN,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });

      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(LISTED_ORIGIN);
      expect(res.headers['access-control-allow-methods']).toContain('POST');
    });

    it.each(['https://evil.example.com', 'https://app.example.com.evil.example.com', 'null'])(
      'when the unlisted origin %s calls, then no Access-Control-Allow-Origin is sent',
      async (origin) => {
        const simple = await send({ url: '/ok', headers: { origin } });
        const preflight = await send({
          method: 'OPTIONS',
          url: '/v1/things',
          headers: { origin, 'access-control-request-method': 'POST' },
        });

        expect(simple.headers['access-control-allow-origin']).toBeUndefined();
        expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      },
    );
  });

  describe('request ids', () => {
    it('when a well-formed x-request-id arrives, then it is kept and echoed', async () => {
      const res = await send({ url: '/boom', headers: { 'x-request-id': 'req_01J9Z.abc-42' } });

      expect(res.headers['x-request-id']).toBe('req_01J9Z.abc-42');
      expect(res.json().requestId).toBe('req_01J9Z.abc-42');
    });

    it.each([
      ['with a space', 'two words'],
      ['with markup', '<script>'],
      ['too long', 'a'.repeat(129)],
      ['empty', ''],
    ])(
      'when the x-request-id is malformed (%s), then a fresh UUID replaces it',
      async (_case, id) => {
        const res = await send({ url: '/ok', headers: { 'x-request-id': id } });

        expect(res.headers['x-request-id']).toMatch(UUID);
      },
    );

    it('when no x-request-id arrives, then a UUID is generated', async () => {
      const res = await send({ url: '/ok' });

      expect(res.headers['x-request-id']).toMatch(UUID);
    });

    it('when a request carries x-request-id, then every log line of that request carries it', async () => {
      const linesBefore = logs.length;

      await send({
        method: 'POST',
        url: '/v1/things',
        headers: { 'x-request-id': 'trace-me-7' },
        body: { email: 'a@b.co', quantity: 1, name: 'x' },
      });

      const ofThisRequest = logs
        .slice(linesBefore)
        .filter((line) => line.msg !== undefined && line.requestId !== undefined);
      expect(ofThisRequest.map((line) => line.msg)).toEqual([
        'thing accepted',
        'request completed',
      ]);
      for (const line of ofThisRequest) expect(line.requestId).toBe('trace-me-7');
    });
  });

  describe('OpenAPI', () => {
    it('when /openapi.json is fetched, then every /v1 route is documented with its schemas', async () => {
      const res = await send({ url: '/openapi.json' });

      expect(res.status).toBe(200);
      const spec = res.json() as {
        openapi: string;
        paths: Record<string, Record<string, unknown>>;
      };
      expect(spec.openapi).toBe('3.1.0');
      expect(Object.keys(spec.paths).sort()).toEqual(
        [
          '/health/live',
          '/health/ready',
          '/ok',
          '/taken',
          '/boom',
          '/v1/search',
          '/v1/things',
        ].sort(),
      );
      expect(spec.paths['/v1/things']?.post).toMatchObject({
        requestBody: {
          content: { 'application/json': { schema: { required: ['email', 'quantity', 'name'] } } },
        },
        responses: {
          200: { content: { 'application/json': { schema: { properties: { name: {} } } } } },
        },
      });
      expect(spec.paths['/v1/search']?.get).toMatchObject({
        parameters: [{ in: 'query', name: 'limit' }],
      });
    });

    it('when /docs is fetched, then Swagger UI is served under its own CSP', async () => {
      const res = await send({ url: '/docs' });

      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('text/html');
      expect(res.headers['content-security-policy']).toContain("script-src 'self'");
      expect(res.headers['strict-transport-security']).toBeDefined();
    });
  });

  describe('liveness', () => {
    it('when /health/live is probed, then 200', async () => {
      const res = await send({ url: '/health/live' });

      expect(res.status).toBe(200);
      expect(res.json()).toEqual({ status: 'ok' });
    });

    it('when a request completes, then exactly one line logs its method, route, status and duration', async () => {
      const res = await send({ url: '/ok' });

      const lines = logs.filter((line) => line.requestId === res.headers['x-request-id']);
      expect(lines).toEqual([
        expect.objectContaining({
          msg: 'request completed',
          method: 'GET',
          url: '/ok',
          route: '/ok',
          statusCode: 200,
          responseTime: expect.any(Number),
        }),
      ]);
    });

    it('when probes are served, then their request lines stay out of the logs', async () => {
      const live = await send({ url: '/health/live' });
      const ready = await send({ url: '/health/ready' });
      const ok = await send({ url: '/ok' });

      const loggedIds = new Set(logs.map((line) => line.requestId));
      expect(loggedIds.has(live.headers['x-request-id'])).toBe(false);
      expect(loggedIds.has(ready.headers['x-request-id'])).toBe(false);
      expect(loggedIds.has(ok.headers['x-request-id'])).toBe(true);
    });
  });
});

describe('createService load shedding', () => {
  let app: Service;

  beforeAll(async () => {
    app = await createService({
      name: 'kit-test',
      logLevel: 'silent',
      // Any heap is over one byte: the first sample puts the process under pressure.
      loadShedding: { maxHeapUsedBytes: 1, sampleIntervalMs: 10, retryAfterSeconds: 7 },
    });
    app.get('/ok', async () => ({ ok: true }));
    await app.ready();
    await new Promise((resolve) => setTimeout(resolve, 50));
  });
  afterAll(() => app.close());

  it('when the process is under pressure, then requests get 503 problem+json with Retry-After', async () => {
    const send = await viaInject.connect(app);

    const res = await send({ url: '/ok' });

    expectProblem(res, 503, 'SERVICE_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('7');
    expectSecurityHeaders(res);
  });

  it('when the process is under pressure, then liveness still answers 200', async () => {
    const send = await viaInject.connect(app);

    expect((await send({ url: '/health/live' })).status).toBe(200);
  });
});
