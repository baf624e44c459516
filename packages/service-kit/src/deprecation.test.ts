import { commonErrors } from '@groundwork/errors';
import Type from 'typebox';
import { describe, expect, test } from 'vitest';
import { readyService } from '../test/ready-service.ts';
import type { RouteDeprecation } from './deprecation.ts';

const Thing = Type.Object({ id: Type.String() });

function serviceWithDeprecatedRoute(deprecation: RouteDeprecation) {
  return readyService({ name: 'deprecation-test', logLevel: 'silent' }, (app) => {
    app.get(
      '/v1/things/:thingId',
      {
        config: { deprecation },
        schema: { params: Type.Object({ thingId: Type.String() }), response: { 200: Thing } },
      },
      async (request) => {
        const { thingId } = request.params as { thingId: string };
        if (thingId === 'missing') throw commonErrors.NOT_FOUND.create('No such thing.');
        return { id: thingId };
      },
    );
    app.get('/v2/things/:thingId', { schema: { response: { 200: Thing } } }, async () => ({
      id: '1',
    }));
  });
}

describe('deprecated routes', () => {
  test('when a /v1 route is replaced by a /v2 one, then its answers carry Deprecation, Sunset and the successor link, errors included, and its successor none', async () => {
    const app = await serviceWithDeprecatedRoute({
      since: '2026-12-01',
      sunset: '2027-06-30T23:59:59Z',
      successor: '/v2/things/{thingId}',
    });
    try {
      const found = await app.inject('/v1/things/t-1');
      const missing = await app.inject('/v1/things/missing');
      const successor = await app.inject('/v2/things/t-1');

      expect(found.statusCode).toBe(200);
      expect(found.headers).toMatchObject({
        deprecation: `@${Date.UTC(2026, 11, 1) / 1000}`,
        sunset: 'Wed, 30 Jun 2027 23:59:59 GMT',
        link: '</v2/things/{thingId}>; rel="successor-version"',
      });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers.deprecation).toBe(found.headers.deprecation);
      expect(missing.headers.sunset).toBe(found.headers.sunset);
      expect(successor.headers).not.toHaveProperty('deprecation');
      expect(successor.headers).not.toHaveProperty('sunset');
    } finally {
      await app.close();
    }
  });

  test('when a route is deprecated, then its OpenAPI operation says so and the others do not', async () => {
    const app = await serviceWithDeprecatedRoute({ since: '2026-12-01', sunset: '2027-06-30' });
    try {
      const document = (await app.inject('/openapi.json')).json();

      expect(document.paths['/v1/things/{thingId}'].get.deprecated).toBe(true);
      expect(document.paths['/v2/things/{thingId}'].get.deprecated).toBeUndefined();
    } finally {
      await app.close();
    }
  });

  test.each([
    [
      { since: '2026-12-01', sunset: 'end of June' },
      'GET /v1/things/:thingId: deprecation dates must be ISO 8601',
    ],
    [
      { since: '2027-01-01', sunset: '2026-12-31' },
      'GET /v1/things/:thingId: sunset 2026-12-31 must come after deprecation 2027-01-01',
    ],
  ])(
    'when the deprecation dates are wrong (%j), then the service refuses to start naming the route',
    async (deprecation, message) => {
      await expect(serviceWithDeprecatedRoute(deprecation)).rejects.toThrow(message);
    },
  );
});
