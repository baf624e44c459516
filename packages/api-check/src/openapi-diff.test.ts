import { describe, expect, test } from 'vitest';
import { type ApiChange, diffOpenApi, type OpenApiDocument } from './openapi-diff.ts';

type Schema = Record<string, unknown>;

const json = (schema: Schema) => ({ 'application/json': { schema } });

/** An orders API with one operation of each kind the rules look at. */
function api(
  change: {
    orderBody?: Schema;
    orderView?: Schema;
    listParameters?: Schema[];
    postOrder?: Schema;
    getOrder?: Schema;
    components?: Record<string, Record<string, unknown>>;
  } = {},
): OpenApiDocument {
  const orderBody = change.orderBody ?? {
    type: 'object',
    required: ['productId'],
    properties: {
      productId: { type: 'string', maxLength: 36 },
      note: { type: 'string' },
      priority: { type: 'string', enum: ['normal', 'express'] },
    },
  };
  const orderView = change.orderView ?? {
    type: 'object',
    required: ['id', 'status'],
    properties: {
      id: { type: 'string' },
      status: { type: 'string', enum: ['placed', 'shipped'] },
      total: { type: 'integer' },
      lines: {
        type: 'array',
        items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } },
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: { title: 'test', version: '1.0.0' },
    paths: {
      '/v1/orders': {
        get: {
          parameters: change.listParameters ?? [
            { in: 'query', name: 'limit', required: false, schema: { type: 'integer' } },
          ],
          responses: {
            200: { description: 'OK', content: json({ type: 'array', items: orderView }) },
          },
        },
        post: change.postOrder ?? {
          security: [{ bearerAuth: [] }],
          requestBody: { required: true, content: json(orderBody) },
          responses: {
            201: {
              description: 'Created',
              headers: { location: { schema: { type: 'string' } } },
              content: json(orderView),
            },
            409: { description: 'Conflict', content: json({ type: 'object' }) },
          },
        },
      },
      '/v1/orders/{id}': {
        get: change.getOrder ?? {
          security: [],
          parameters: [{ in: 'path', name: 'id', required: true, schema: { type: 'string' } }],
          responses: { 200: { description: 'OK', content: json(orderView) } },
        },
      },
    },
    ...(change.components ? { components: change.components } : {}),
  };
}

function operation(document: OpenApiDocument, path: string, method: string): Schema {
  const found = document.paths?.[path]?.[method];
  if (found === undefined) throw new Error(`no ${method} ${path}`);
  return found as Schema;
}

const breaking = (changes: ApiChange[]) =>
  changes.filter((c) => c.severity === 'breaking').map((c) => `${c.location}: ${c.message}`);
const additive = (changes: ApiChange[]) =>
  changes.filter((c) => c.severity === 'additive').map((c) => `${c.location}: ${c.message}`);

const order = (properties: Schema, required = ['productId']) => ({
  type: 'object',
  required,
  properties,
});
const view = (properties: Schema, required = ['id', 'status']) => ({
  type: 'object',
  required,
  properties,
});
const VIEW_PROPERTIES = {
  id: { type: 'string' },
  status: { type: 'string', enum: ['placed', 'shipped'] },
  total: { type: 'integer' },
  lines: {
    type: 'array',
    items: { type: 'object', required: ['sku'], properties: { sku: { type: 'string' } } },
  },
};
const BODY_PROPERTIES = {
  productId: { type: 'string', maxLength: 36 },
  note: { type: 'string' },
  priority: { type: 'string', enum: ['normal', 'express'] },
};

describe('diffOpenApi: paths and operations', () => {
  test('when nothing but descriptions change, then no change is reported', () => {
    const after = api();
    (after.paths?.['/v1/orders']?.get as Schema).description = 'Lists orders, newest first.';
    expect(diffOpenApi(api(), after)).toEqual([]);
  });

  test('when a path is removed, then it is breaking', () => {
    const after = api();
    delete after.paths?.['/v1/orders/{id}'];
    expect(breaking(diffOpenApi(api(), after))).toEqual(['/v1/orders/{id}: path removed']);
  });

  test('when an operation is removed from a path, then it is breaking', () => {
    const after = api();
    delete after.paths?.['/v1/orders']?.post;
    expect(breaking(diffOpenApi(api(), after))).toEqual(['POST /v1/orders: operation removed']);
  });

  test('when a path and an operation are added, then both are additive', () => {
    const after = api();
    const paths = after.paths as Record<string, Record<string, unknown>>;
    paths['/v1/products'] = { get: { responses: { 200: { description: 'OK' } } } };
    (paths['/v1/orders/{id}'] as Schema).delete = { responses: { 204: { description: 'Gone' } } };
    const changes = diffOpenApi(api(), after);
    expect(breaking(changes)).toEqual([]);
    expect(additive(changes)).toEqual([
      'DELETE /v1/orders/{id}: operation added',
      '/v1/products: path added',
    ]);
  });
});

describe('diffOpenApi: parameters', () => {
  const limit = { in: 'query', name: 'limit', required: false, schema: { type: 'integer' } };

  test('when a required parameter is added, then it is breaking', () => {
    const after = api({
      listParameters: [limit, { in: 'query', name: 'status', required: true, schema: {} }],
    });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'GET /v1/orders parameter query status: required parameter added',
    ]);
  });

  test('when an optional parameter is added, then it is additive', () => {
    const after = api({ listParameters: [limit, { in: 'query', name: 'status', schema: {} }] });
    const changes = diffOpenApi(api(), after);
    expect(breaking(changes)).toEqual([]);
    expect(additive(changes)).toEqual([
      'GET /v1/orders parameter query status: optional parameter added',
    ]);
  });

  test('when an optional parameter is made required, then it is breaking', () => {
    const after = api({ listParameters: [{ ...limit, required: true }] });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'GET /v1/orders parameter query limit: parameter made required',
    ]);
  });

  test('when a parameter is removed, then it is breaking', () => {
    expect(breaking(diffOpenApi(api(), api({ listParameters: [] })))).toEqual([
      'GET /v1/orders parameter query limit: parameter removed',
    ]);
  });

  test("when a parameter's type changes, then it is breaking", () => {
    const after = api({ listParameters: [{ ...limit, schema: { type: 'string' } }] });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'GET /v1/orders parameter query limit: request type changed from integer to string',
    ]);
  });
});

describe('diffOpenApi: request bodies (the client writes)', () => {
  test('when a request property is added as required, then it is breaking; as optional, additive', () => {
    const required = api({
      orderBody: order({ ...BODY_PROPERTIES, channel: { type: 'string' } }, [
        'productId',
        'channel',
      ]),
    });
    expect(breaking(diffOpenApi(api(), required))).toEqual([
      'POST /v1/orders request body application/json .channel: request property added as required',
    ]);
    const optional = api({
      orderBody: order({ ...BODY_PROPERTIES, channel: { type: 'string' } }),
    });
    const changes = diffOpenApi(api(), optional);
    expect(breaking(changes)).toEqual([]);
    expect(additive(changes)).toEqual([
      'POST /v1/orders request body application/json .channel: request property added',
    ]);
  });

  test('when a request property is made required, then it is breaking', () => {
    const after = api({ orderBody: order(BODY_PROPERTIES, ['productId', 'note']) });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'POST /v1/orders request body application/json .note: request property made required',
    ]);
  });

  test('when a required request property is made optional, then it is additive', () => {
    const after = api({ orderBody: order(BODY_PROPERTIES, []) });
    const changes = diffOpenApi(api(), after);
    expect(breaking(changes)).toEqual([]);
    expect(additive(changes)).toHaveLength(1);
  });

  test('when a request property is removed or renamed, then it is breaking', () => {
    const { note: _note, ...rest } = BODY_PROPERTIES;
    const after = api({ orderBody: order({ ...rest, comment: { type: 'string' } }) });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'POST /v1/orders request body application/json .note: request property removed',
    ]);
  });

  test('when a request enum value is removed, then it is breaking; an added one is additive', () => {
    const priority = (values: string[]) =>
      api({
        orderBody: order({ ...BODY_PROPERTIES, priority: { type: 'string', enum: values } }),
      });
    expect(breaking(diffOpenApi(api(), priority(['normal'])))).toEqual([
      'POST /v1/orders request body application/json .priority: request enum value "express" removed',
    ]);
    const added = diffOpenApi(api(), priority(['normal', 'express', 'overnight']));
    expect(breaking(added)).toEqual([]);
    expect(additive(added)).toHaveLength(1);
  });

  test('when a request bound is tightened, then it is breaking; loosened, additive', () => {
    const productId = (schema: Schema) =>
      api({ orderBody: order({ ...BODY_PROPERTIES, productId: schema }) });
    expect(breaking(diffOpenApi(api(), productId({ type: 'string', maxLength: 20 })))).toEqual([
      'POST /v1/orders request body application/json .productId: request maxLength tightened from 36 to 20',
    ]);
    expect(
      breaking(diffOpenApi(api(), productId({ type: 'string', maxLength: 36, minLength: 8 }))),
    ).toEqual([
      'POST /v1/orders request body application/json .productId: request minLength tightened from none to 8',
    ]);
    const loosened = diffOpenApi(api(), productId({ type: 'string', maxLength: 64 }));
    expect(breaking(loosened)).toEqual([]);
    expect(additive(loosened)).toHaveLength(1);
  });

  test('when a request pattern or format is added, then it is breaking', () => {
    const after = api({
      orderBody: order({
        ...BODY_PROPERTIES,
        productId: { type: 'string', maxLength: 36, format: 'uuid' },
        note: { type: 'string', pattern: '^[a-z]*$' },
      }),
    });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'POST /v1/orders request body application/json .productId: request format tightened from none to "uuid"',
      'POST /v1/orders request body application/json .note: request pattern tightened from none to "^[a-z]*$"',
    ]);
  });

  test('when a pattern or format changes, then it is breaking for requests and responses alike', () => {
    const note = (pattern: string) =>
      api({ orderBody: order({ ...BODY_PROPERTIES, note: { type: 'string', pattern } }) });
    expect(breaking(diffOpenApi(note('^[a-z]*$'), note('^[a-z0-9]*$')))).toEqual([
      'POST /v1/orders request body application/json .note: request pattern changed from ^[a-z]*$ to ^[a-z0-9]*$',
    ]);
    const id = (format: string) =>
      api({ orderView: view({ ...VIEW_PROPERTIES, id: { type: 'string', format } }) });
    expect(breaking(diffOpenApi(id('uuid'), id('ulid')))).toContain(
      'GET /v1/orders/{id} response 200 application/json .id: response format changed from uuid to ulid',
    );
  });

  test('when a request stops accepting additional properties, then it is breaking', () => {
    const after = api({ orderBody: { ...order(BODY_PROPERTIES), additionalProperties: false } });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'POST /v1/orders request body application/json: request no longer accepts additional properties',
    ]);
  });

  test('when a request type widens (integer to number, or to a union with null), then it is additive', () => {
    const quantity = (schema: Schema) =>
      api({ orderBody: order({ ...BODY_PROPERTIES, quantity: schema }) });
    const before = quantity({ type: 'integer' });
    expect(breaking(diffOpenApi(before, quantity({ type: 'number' })))).toEqual([]);
    expect(
      breaking(diffOpenApi(before, quantity({ anyOf: [{ type: 'integer' }, { type: 'null' }] }))),
    ).toEqual([]);
    expect(breaking(diffOpenApi(quantity({ type: 'number' }), before))).toEqual([
      'POST /v1/orders request body application/json .quantity: request type changed from number to integer',
    ]);
  });

  test('when a request body becomes required or is removed, then it is breaking', () => {
    const optionalBody = api({
      postOrder: {
        requestBody: { required: false, content: json(order(BODY_PROPERTIES)) },
        responses: {},
      },
    });
    const requiredBody = api({
      postOrder: {
        requestBody: { required: true, content: json(order(BODY_PROPERTIES)) },
        responses: {},
      },
    });
    const noBody = api({ postOrder: { responses: {} } });
    expect(breaking(diffOpenApi(optionalBody, requiredBody))).toEqual([
      'POST /v1/orders request body: request body made required',
    ]);
    expect(breaking(diffOpenApi(noBody, requiredBody))).toEqual([
      'POST /v1/orders request body: required request body added',
    ]);
    expect(breaking(diffOpenApi(requiredBody, noBody))).toEqual([
      'POST /v1/orders request body: request body removed',
    ]);
    expect(breaking(diffOpenApi(noBody, optionalBody))).toEqual([]);
  });
});

describe('diffOpenApi: responses (the client reads)', () => {
  test('when a response property is removed or renamed, then it is breaking', () => {
    const { total: _total, ...rest } = VIEW_PROPERTIES;
    const after = api({ orderView: view({ ...rest, amount: { type: 'integer' } }) });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'GET /v1/orders response 200 application/json[] .total: response property removed',
      'POST /v1/orders response 201 application/json .total: response property removed',
      'GET /v1/orders/{id} response 200 application/json .total: response property removed',
    ]);
  });

  test('when a response property is made optional, then it is breaking; a new response property is additive', () => {
    const optional = api({ orderView: view(VIEW_PROPERTIES, ['id']) });
    expect(breaking(diffOpenApi(api(), optional))).toContain(
      'GET /v1/orders/{id} response 200 application/json .status: response property made optional',
    );
    const added = diffOpenApi(
      api(),
      api({ orderView: view({ ...VIEW_PROPERTIES, currency: { type: 'string' } }) }),
    );
    expect(breaking(added)).toEqual([]);
    expect(additive(added)).toContain(
      'GET /v1/orders/{id} response 200 application/json .currency: response property added',
    );
  });

  test('when a property of array items is removed from a response, then it is breaking', () => {
    const after = api({
      orderView: view({
        ...VIEW_PROPERTIES,
        lines: { type: 'array', items: { type: 'object', properties: {} } },
      }),
    });
    expect(breaking(diffOpenApi(api(), after))).toContain(
      'GET /v1/orders/{id} response 200 application/json .lines[] .sku: response property removed',
    );
  });

  test('when a response enum value is added, then it is breaking; a removed one is additive', () => {
    const status = (values: string[]) =>
      api({ orderView: view({ ...VIEW_PROPERTIES, status: { type: 'string', enum: values } }) });
    expect(breaking(diffOpenApi(api(), status(['placed', 'shipped', 'lost'])))).toContain(
      'GET /v1/orders/{id} response 200 application/json .status: response enum value "lost" added',
    );
    expect(breaking(diffOpenApi(api(), status(['placed'])))).toEqual([]);
  });

  test("when a response property's type changes or it may now be null, then it is breaking", () => {
    const total = (schema: Schema) =>
      api({ orderView: view({ ...VIEW_PROPERTIES, total: schema }) });
    expect(breaking(diffOpenApi(api(), total({ type: 'string' })))).toContain(
      'GET /v1/orders/{id} response 200 application/json .total: response type changed from integer to string',
    );
    expect(breaking(diffOpenApi(api(), total({ type: 'number' })))).toContain(
      'GET /v1/orders/{id} response 200 application/json .total: response type changed from integer to number',
    );
    expect(
      breaking(diffOpenApi(api(), total({ anyOf: [{ type: 'integer' }, { type: 'null' }] }))),
    ).toContain(
      'GET /v1/orders/{id} response 200 application/json .total: response alternative {"type":"null"} added',
    );
    // The other way round only narrows what the client reads.
    expect(breaking(diffOpenApi(total({ type: 'number' }), api()))).toEqual([]);
  });

  test('when a response loosens a bound, then it is breaking', () => {
    const id = (schema: Schema) => api({ orderView: view({ ...VIEW_PROPERTIES, id: schema }) });
    expect(
      breaking(diffOpenApi(id({ type: 'string', maxLength: 36 }), id({ type: 'string' }))),
    ).toContain(
      'GET /v1/orders/{id} response 200 application/json .id: response maxLength loosened from 36 to none',
    );
  });

  test('when a response status is removed, then it is breaking; an added status is additive', () => {
    const removed = api();
    delete (operation(removed, '/v1/orders', 'post').responses as Schema)['409'];
    expect(breaking(diffOpenApi(api(), removed))).toEqual([
      'POST /v1/orders response 409: response status removed',
    ]);
    const changes = diffOpenApi(removed, api());
    expect(breaking(changes)).toEqual([]);
    expect(additive(changes)).toEqual(['POST /v1/orders response 409: response status added']);
  });

  test('when a response media type or header is removed, then it is breaking', () => {
    const after = api();
    const created = (operation(after, '/v1/orders', 'post').responses as Schema)['201'] as Schema;
    created.headers = {};
    created.content = { 'application/xml': { schema: {} } };
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'POST /v1/orders response 201 application/json: response media type removed',
      'POST /v1/orders response 201 header location: response header removed',
    ]);
  });
});

describe('diffOpenApi: security and references', () => {
  test('when a public operation starts requiring a token, then it is breaking', () => {
    const getOrder = api().paths?.['/v1/orders/{id}']?.get as Schema;
    const after = api({ getOrder: { ...getOrder, security: [{ bearerAuth: [] }] } });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'GET /v1/orders/{id}: authentication now required',
    ]);
  });

  test('when an operation needs a further scope, then it is breaking', () => {
    const postOrder = api().paths?.['/v1/orders']?.post as Schema;
    const after = api({
      postOrder: { ...postOrder, security: [{ bearerAuth: ['orders:write'] }] },
    });
    expect(breaking(diffOpenApi(api(), after))).toEqual([
      'POST /v1/orders: security requirement bearerAuth removed',
    ]);
  });

  test('when a schema behind a $ref changes, then the change is found through the reference, and recursive schemas end', () => {
    const node = (properties: Schema) => ({
      components: {
        schemas: {
          Node: {
            type: 'object',
            required: ['id'],
            properties: {
              id: { type: 'string' },
              ...properties,
              child: { $ref: '#/components/schemas/Node' },
            },
          },
        },
      },
      orderView: { $ref: '#/components/schemas/Node' },
    });
    const before = api(node({ name: { type: 'string' } }));
    const after = api(node({}));
    expect(diffOpenApi(before, before)).toEqual([]);
    expect(breaking(diffOpenApi(before, after))).toContain(
      'GET /v1/orders/{id} response 200 application/json .name: response property removed',
    );
  });
});
