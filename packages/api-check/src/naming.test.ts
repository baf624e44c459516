import { describe, expect, test } from 'vitest';
import { namingViolations } from './naming.ts';
import type { OpenApiDocument } from './openapi-diff.ts';

const ok = { responses: { 200: { description: 'OK' } } };

function withOperation(path: string, operation: Record<string, unknown> = ok): OpenApiDocument {
  return {
    openapi: '3.1.0',
    info: { title: 't', version: '1.0.0' },
    paths: { [path]: { get: operation } },
  };
}

const returning = (properties: Record<string, unknown>) => ({
  responses: {
    200: {
      description: 'OK',
      content: {
        'application/json': {
          schema: { type: 'array', items: { type: 'object', properties } },
        },
      },
    },
  },
});

describe('namingViolations', () => {
  test('when a collection before an id is singular, then it is a violation; plural collections, singletons and actions pass', () => {
    expect(namingViolations(withOperation('/v1/order/{orderId}'))).toEqual([
      '/v1/order/{orderId}: collection "order" is not a plural noun',
    ]);
    for (const path of [
      '/v1/orders/{orderId}/cancel',
      '/v1/users/me',
      '/v1/organizations/{orgId}/members/{userId}',
      '/v1/line-items/{lineItemId}',
    ]) {
      expect(namingViolations(withOperation(path))).toEqual([]);
    }
  });

  test('when a path segment is not kebab-case or a parameter not camelCase, then it is a violation', () => {
    expect(namingViolations(withOperation('/v1/lineItems'))).toEqual([
      '/v1/lineItems: segment "lineItems" is not kebab-case',
    ]);
    expect(namingViolations(withOperation('/v1/orders/{order_id}'))).toEqual([
      '/v1/orders/{order_id}: path parameter {order_id} is not camelCase',
    ]);
  });

  test('when a JSON field or a query parameter is not camelCase, then it is a violation, at any depth', () => {
    const operation = {
      ...returning({
        createdAt: { type: 'string' },
        lines: { type: 'array', items: { type: 'object', properties: { unit_price: {} } } },
      }),
      parameters: [{ in: 'query', name: 'page_size', schema: { type: 'integer' } }],
    };
    expect(namingViolations(withOperation('/v1/orders', operation))).toEqual([
      'GET /v1/orders: query parameter page_size is not camelCase',
      'GET /v1/orders response 200 application/json[] .lines[]: field unit_price is not camelCase',
    ]);
  });

  test('when routes outside /v1 or the OAuth token endpoint use standard snake_case names, then they pass', () => {
    const snake = returning({ jwks_uri: { type: 'string' } });
    expect(namingViolations(withOperation('/.well-known/openid-configuration', snake))).toEqual([]);
    const token: OpenApiDocument = {
      openapi: '3.1.0',
      info: { title: 't', version: '1.0.0' },
      paths: { '/v1/auth/token': { post: returning({ access_token: { type: 'string' } }) } },
    };
    expect(namingViolations(token)).toEqual([]);
  });
});
