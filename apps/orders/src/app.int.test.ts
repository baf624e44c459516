import { describeWithServices } from '@groundwork/testing/vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { expect, test } from 'vitest';
import { useOrdersApp } from '../test/orders-app.ts';

interface Operation {
  readonly responses: Record<string, unknown>;
  readonly requestBody?: unknown;
}

describeWithServices('the orders app', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();

  test('when the service would connect as a superuser, then it refuses to start because row-level security would not apply', async () => {
    const app = await orders.buildAnother({ DATABASE_ROLE: 'postgres' });
    await expect(app.ready()).rejects.toMatchObject({
      code: 'DB_MISCONFIGURED',
      message: expect.stringContaining('row-level security would not apply'),
    });
  });

  test('when readiness is asked, then PostgreSQL is checked and Redis, which only caches, is not', async () => {
    const response = await orders.call('GET', '/health/ready');
    expect(response.statusCode).toBe(200);
    expect(response.json().checks.map((check: { name: string }) => check.name)).toEqual([
      'postgres',
    ]);
  });

  test('when /metrics is scraped after a request, then Prometheus text holds its route in the request duration histogram', async () => {
    await orders.call('GET', '/v1/products');
    const response = await orders.call('GET', '/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain');
    expect(response.body).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*\/v1\/products/,
    );
  });

  test('when /openapi.json is fetched, then it is a valid OpenAPI 3.1 document and every /v1 route is documented with its schemas', async () => {
    const document = (await orders.call('GET', '/openapi.json')).json();

    const validation = await new Validator().validate(document);
    expect(validation.errors ?? []).toEqual([]);
    expect(validation.valid).toBe(true);

    const operations = Object.entries(document.paths as Record<string, Record<string, Operation>>)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => ({ path, method, operation })),
      );
    expect(operations.map(({ method, path }) => `${method.toUpperCase()} ${path}`).sort()).toEqual([
      'DELETE /v1/products/{id}',
      'GET /v1/orders',
      'GET /v1/orders/exports/{exportId}',
      'GET /v1/orders/{id}',
      'GET /v1/products',
      'GET /v1/products/{id}',
      'PATCH /v1/products/{id}',
      'POST /v1/orders',
      'POST /v1/orders/exports',
      'POST /v1/orders/{id}/cancel',
      'POST /v1/orders/{id}/confirm',
      'POST /v1/orders/{id}/ship',
      'POST /v1/products',
    ]);
    for (const { path, method, operation } of operations) {
      const success = Object.keys(operation.responses).find((status) => status.startsWith('2'));
      expect(success, `${method} ${path}`).toBeDefined();
      expect(operation.responses['401'], `${method} ${path}`).toBeDefined();
      if (['post', 'patch'].includes(method) && !path.includes('/{id}/')) {
        expect(operation.requestBody, `${method} ${path}`).toBeDefined();
      }
    }
  });
});
