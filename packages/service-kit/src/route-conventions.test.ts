import Type from 'typebox';
import { describe, expect, test } from 'vitest';
import { readyService } from '../test/ready-service.ts';
import type { Service } from './create-service.ts';

const Thing = Type.Object({ id: Type.String() });
const ok = async () => ({ id: '1' });

const serviceWith = (register: (app: Service) => void) =>
  readyService({ name: 'conventions-test', logLevel: 'silent', docs: false }, register);

describe('route conventions', () => {
  test('when /v1 routes keep the conventions, then the service starts', async () => {
    const app = await serviceWith((service) => {
      service.get(
        '/v1/things',
        { schema: { response: { 200: Type.Array(Thing) } } },
        async () => [],
      );
      service.get(
        '/v1/things/:thingId',
        { schema: { params: Type.Object({ thingId: Type.String() }), response: { 200: Thing } } },
        ok,
      );
      service.post(
        '/v1/things',
        { schema: { body: Thing, response: { 201: Thing } } },
        async (_request, reply) => reply.code(201).send({ id: '1' }),
      );
      service.post(
        '/v1/things/:thingId/archive',
        {
          config: { bodyless: true },
          schema: { params: Type.Object({ thingId: Type.String() }), response: { 200: Thing } },
        },
        ok,
      );
    });
    await app.close();
  });

  test('when a /v1 route has no response schema, then the service refuses to start naming the route', async () => {
    await expect(serviceWith((service) => service.get('/v1/things', ok))).rejects.toThrow(
      'GET /v1/things breaks the API conventions: no response schema',
    );
  });

  test('when a path segment is not kebab-case, then the service refuses to start', async () => {
    await expect(
      serviceWith((service) =>
        service.get('/v1/orderLines', { schema: { response: { 200: Thing } } }, ok),
      ),
    ).rejects.toThrow('path segment "orderLines" is neither kebab-case nor a camelCase :param');
  });

  test('when a path has parameters but no params schema, then the service refuses to start', async () => {
    await expect(
      serviceWith((service) =>
        service.get('/v1/things/:id', { schema: { response: { 200: Thing } } }, ok),
      ),
    ).rejects.toThrow('path parameters without a params schema');
  });

  test('when a write has no body schema and is not marked bodyless, then the service refuses to start', async () => {
    await expect(
      serviceWith((service) =>
        service.patch(
          '/v1/things/:id',
          { schema: { params: Type.Object({ id: Type.String() }), response: { 200: Thing } } },
          ok,
        ),
      ),
    ).rejects.toThrow('a write without a body schema');
  });

  test('when a route is outside /v1 or opts out, then no convention applies', async () => {
    const app = await serviceWith((service) => {
      service.get('/internal/Status', ok);
      service.all('/v1/proxied/*', { config: { conventions: false } }, ok);
    });
    await app.close();
  });
});
