import { describe, expect, test } from 'vitest';
import { mergeOpenApi, OpenApiConflict, type OpenApiDocument } from './openapi-merge.ts';

const gateway: OpenApiDocument = {
  openapi: '3.1.0',
  info: { title: 'gateway', version: '0.0.0' },
  servers: [{ url: 'http://internal:3000' }],
  paths: { '/health/live': { get: {} } },
};
const doc = (paths: string[], schemas: Record<string, unknown> = {}): OpenApiDocument => ({
  openapi: '3.1.0',
  info: { title: 'service', version: '1' },
  paths: Object.fromEntries(paths.map((path) => [path, { get: {} }])),
  components: { schemas },
});
const everything = () => true;

function conflictsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof OpenApiConflict) return error.conflicts;
    throw error;
  }
  throw new Error('expected an OpenApiConflict');
}

describe('mergeOpenApi', () => {
  test('when documents agree, then paths and components are united, sorted, and servers dropped', () => {
    const merged = mergeOpenApi(gateway, [
      {
        name: 'orders',
        document: doc(['/v1/orders'], { Order: { type: 'object' } }),
        routes: everything,
      },
      {
        name: 'identity',
        document: doc(['/v1/users'], { User: { type: 'object' } }),
        routes: everything,
      },
    ]);

    expect(Object.keys(merged.paths ?? {})).toEqual(['/health/live', '/v1/orders', '/v1/users']);
    expect(Object.keys(merged.components?.schemas ?? {})).toEqual(['Order', 'User']);
    expect(merged.servers).toBeUndefined();
  });

  test('when a service describes a path the gateway does not route to it, then the path is left out', () => {
    const merged = mergeOpenApi(gateway, [
      {
        name: 'orders',
        document: doc(['/v1/orders', '/health/live', '/internal/reindex']),
        routes: (path) => path.startsWith('/v1/orders'),
      },
    ]);

    expect(Object.keys(merged.paths ?? {})).toEqual(['/health/live', '/v1/orders']);
  });

  test('when the edge needs a token on a path, then its operations require bearerAuth, public ones nothing, and an operation keeps its own', () => {
    const service = doc(['/v1/orders', '/v1/auth/login', '/v1/auth/logout']);
    const logout = service.paths?.['/v1/auth/logout'] as Record<string, Record<string, unknown>>;
    logout.get = { security: [{ bearerAuth: [] }] };
    const merged = mergeOpenApi(gateway, [
      {
        name: 'identity',
        document: { ...service, security: [{ bearerAuth: [] }] },
        routes: everything,
        requiresToken: (path) => !path.startsWith('/v1/auth'),
      },
    ]);

    expect(merged.paths?.['/v1/orders']?.get).toEqual({ security: [{ bearerAuth: [] }] });
    expect(merged.paths?.['/v1/auth/login']?.get).toEqual({ security: [] });
    expect(merged.paths?.['/v1/auth/logout']?.get).toEqual({ security: [{ bearerAuth: [] }] });
    expect(merged.components?.securitySchemes).toEqual({
      bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
    });
  });

  test('when two documents describe the same path or a component differently, then every conflict is reported', () => {
    const conflicts = conflictsOf(() =>
      mergeOpenApi(gateway, [
        {
          name: 'orders',
          document: doc(['/v1/things'], { Thing: { type: 'object' } }),
          routes: everything,
        },
        {
          name: 'identity',
          document: doc(['/v1/things'], { Thing: { type: 'string' } }),
          routes: everything,
        },
      ]),
    );

    expect(conflicts).toEqual([
      'path /v1/things is described by both orders and identity',
      'components.schemas.Thing is defined differently by orders and identity',
    ]);
  });

  test('when a service publishes another OpenAPI version, then it is a conflict, not a silent mix of dialects', () => {
    const conflicts = conflictsOf(() =>
      mergeOpenApi(gateway, [
        {
          name: 'legacy',
          document: { ...doc(['/v1/legacy']), openapi: '3.0.3' },
          routes: everything,
        },
      ]),
    );

    expect(conflicts).toEqual(['legacy publishes OpenAPI 3.0.3, not 3.1']);
  });
});
