import { revokedTokenKey } from '@groundwork/auth';
import { describeWithServices } from '@groundwork/testing/vitest';
import { Redis } from 'ioredis';
import { expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../../test/orders-app.ts';

describeWithServices('/v1/products', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();
  const org = newOrg();
  const admin: Caller = { org, role: 'admin' };
  const viewer: Caller = { org, role: 'viewer' };
  const member: Caller = { org, role: 'member' };

  const create = async (overrides: Record<string, unknown> = {}, as: Caller = admin) => {
    const response = await orders.call('POST', '/v1/products', {
      as,
      body: productBody(overrides),
    });
    expect(response.statusCode, response.body).toBe(201);
    return response.json();
  };

  test('when an admin creates a product, then 201 with a Location, an ETag and camelCase JSON with links', async () => {
    const response = await orders.call('POST', '/v1/products', {
      as: admin,
      body: productBody({ sku: 'chair-1', priceMinor: 12_345, currency: 'EUR', stock: 3 }),
    });

    expect(response.statusCode).toBe(201);
    const product = response.json();
    expect(response.headers.location).toBe(`/v1/products/${product.id}`);
    expect(response.headers.etag).toBe('"1"');
    expect(product).toEqual({
      id: expect.any(String),
      sku: 'chair-1',
      name: 'Chair',
      description: 'A chair',
      priceMinor: 12_345,
      currency: 'EUR',
      stock: 3,
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      links: { self: `/v1/products/${product.id}` },
    });
    const { rows } = await orders.admin.query('SELECT "orgId" FROM products WHERE id = $1', [
      product.id,
    ]);
    expect(rows).toEqual([{ orgId: org }]);
  });

  test('when a product is fetched with its current ETag in If-None-Match, then 304 without a body', async () => {
    const product = await create();
    const first = await orders.call('GET', `/v1/products/${product.id}`, { as: viewer });
    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe('"1"');

    const again = await orders.call('GET', `/v1/products/${product.id}`, {
      as: viewer,
      headers: { 'if-none-match': first.headers.etag as string },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe('"1"');
  });

  test('when two clients update the same product with the same ETag, then the second gets 412 and its change is not written', async () => {
    const product = await create({ name: 'Original' });
    const ifMatch = { 'if-match': '"1"' };

    const first = await orders.call('PATCH', `/v1/products/${product.id}`, {
      as: admin,
      headers: ifMatch,
      body: { name: 'First' },
    });
    const second = await orders.call('PATCH', `/v1/products/${product.id}`, {
      as: admin,
      headers: ifMatch,
      body: { name: 'Second' },
    });

    expect(first.statusCode).toBe(200);
    expect(first.headers.etag).toBe('"2"');
    expect(second.statusCode).toBe(412);
    expect(second.headers['content-type']).toContain('application/problem+json');
    expect(second.json()).toMatchObject({ status: 412, code: 'DB_VERSION_MISMATCH' });
    const current = await orders.call('GET', `/v1/products/${product.id}`, { as: viewer });
    expect(current.json()).toMatchObject({ name: 'First', version: 2 });
  });

  test('when a product is deleted, then 204 with no body and it is gone', async () => {
    const product = await create();
    const response = await orders.call('DELETE', `/v1/products/${product.id}`, {
      as: admin,
      headers: { 'if-match': '"1"' },
    });
    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    const gone = await orders.call('GET', `/v1/products/${product.id}`, { as: viewer });
    expect(gone.statusCode).toBe(404);
    expect(gone.json()).toMatchObject({ code: 'ORDERS_PRODUCT_NOT_FOUND' });
  });

  test('when a second product takes a SKU the tenant already uses, then 409 ORDERS_SKU_TAKEN', async () => {
    await create({ sku: 'dup-1' });
    const response = await orders.call('POST', '/v1/products', {
      as: admin,
      body: productBody({ sku: 'dup-1' }),
    });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ code: 'ORDERS_SKU_TAKEN' });
    // Another tenant may use the same SKU.
    await create({ sku: 'dup-1' }, { org: newOrg(), role: 'admin' });
  });

  test('when a viewer or a member writes to the catalog, then 403 naming catalog:write, and viewers still read', async () => {
    const product = await create();
    for (const caller of [viewer, member]) {
      const response = await orders.call('POST', '/v1/products', {
        as: caller,
        body: productBody(),
      });
      expect(response.statusCode).toBe(403);
      expect(response.headers['www-authenticate']).toContain('scope="catalog:write"');
    }
    const read = await orders.call('GET', `/v1/products/${product.id}`, { as: viewer });
    expect(read.statusCode).toBe(200);
  });

  test('when the gateway is bypassed, then the service still rejects a missing or invalid token', async () => {
    const missing = await orders.call('GET', '/v1/products');
    expect(missing.statusCode).toBe(401);
    const forged = await orders.call('GET', '/v1/products', {
      headers: { authorization: 'Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' },
    });
    expect(forged.statusCode).toBe(401);
    expect(forged.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
  });

  test('when a token is revoked, then orders refuses it on the next request, gateway or not', async () => {
    const token = await orders.tokenFor({ org: newOrg(), role: 'viewer' });
    const headers = { authorization: `Bearer ${token}` };
    expect((await orders.call('GET', '/v1/products', { headers })).statusCode).toBe(200);
    // Identity writes the deny-list entry unprefixed, where every verifier reads it.
    const { jti } = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString());
    const denyList = new Redis(orders.redisUrl);
    await denyList.set(revokedTokenKey(jti), '1', 'PX', 60_000);
    try {
      const refused = await orders.call('GET', '/v1/products', { headers });

      expect(refused.statusCode).toBe(401);
      expect(refused.json()).toMatchObject({ code: 'AUTH_TOKEN_INVALID' });
    } finally {
      await denyList.del(revokedTokenKey(jti));
      await denyList.quit();
    }
  });

  test('when a token names an organization that is not a UUID, then 403 ORDERS_TENANT_UNKNOWN', async () => {
    const response = await orders.call('GET', '/v1/products', {
      as: { org: 'org-1', role: 'viewer' },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ code: 'ORDERS_TENANT_UNKNOWN' });
  });

  test('when a body has an unknown field or an invalid value, then 400 listing each field', async () => {
    const response = await orders.call('POST', '/v1/products', {
      as: admin,
      body: { ...productBody({ currency: 'euro', priceMinor: -1 }), colour: 'red' },
    });
    expect(response.statusCode).toBe(400);
    const fields = response.json().errors.map((error: { field: string }) => error.field);
    expect(fields).toEqual(
      expect.arrayContaining(['/body/colour', '/body/currency', '/body/priceMinor']),
    );
  });

  test("when a user of tenant A reads, changes or deletes a product of tenant B, then 404 and B's product is untouched", async () => {
    const other: Caller = { org: newOrg(), role: 'admin' };
    const theirs = await create({ name: 'Theirs' }, other);

    const read = await orders.call('GET', `/v1/products/${theirs.id}`, { as: admin });
    const change = await orders.call('PATCH', `/v1/products/${theirs.id}`, {
      as: admin,
      body: { name: 'Mine now' },
    });
    const remove = await orders.call('DELETE', `/v1/products/${theirs.id}`, { as: admin });
    const list = await orders.call('GET', `/v1/products?filter[sku]=${theirs.sku}`, {
      as: admin,
    });

    expect([read.statusCode, change.statusCode, remove.statusCode]).toEqual([404, 404, 404]);
    expect(list.json().items).toEqual([]);
    const { rows } = await orders.admin.query('SELECT name, version FROM products WHERE id = $1', [
      theirs.id,
    ]);
    expect(rows).toEqual([{ name: 'Theirs', version: 1 }]);
  });

  test('when a page is not the last, then links.next carries the cursor of the next page', async () => {
    const tenant: Caller = { org: newOrg(), role: 'admin' };
    for (const name of ['Ant', 'Bee', 'Cat']) await create({ name }, tenant);

    const first = await orders.call('GET', '/v1/products?limit=2&sort=name', { as: tenant });
    const page = first.json();
    expect(page.items.map((p: { name: string }) => p.name)).toEqual(['Ant', 'Bee']);
    expect(page.links.self).toBe('/v1/products?limit=2&sort=name');
    expect(page.links.next).toBe(
      `/v1/products?limit=2&sort=name&cursor=${encodeURIComponent(page.nextCursor)}`,
    );

    const second = (await orders.call('GET', page.links.next, { as: tenant })).json();
    expect(second.items.map((p: { name: string }) => p.name)).toEqual(['Cat']);
    expect(second.nextCursor).toBeNull();
    expect(second.links.next).toBeUndefined();
  });

  test('when products are filtered and sorted, then the page holds only matching products in order', async () => {
    const tenant: Caller = { org: newOrg(), role: 'admin' };
    await create({ name: 'Cheap', priceMinor: 100 }, tenant);
    await create({ name: 'Mid', priceMinor: 500 }, tenant);
    await create({ name: 'Dear', priceMinor: 900 }, tenant);

    const response = await orders.call(
      'GET',
      '/v1/products?filter[priceMinor][gte]=200&sort=-priceMinor',
      { as: tenant },
    );
    expect(response.json().items.map((p: { name: string }) => p.name)).toEqual(['Dear', 'Mid']);
  });

  test('when the list names an unknown filter or sort field, an unknown parameter or a malformed cursor, then 400 problem+json naming it', async () => {
    const cases = [
      ['/v1/products?filter[orgId]=x', '/query/filter[orgId]', 'DB_INVALID_LIST_QUERY'],
      ['/v1/products?sort=orgId', '/query/sort', 'DB_INVALID_LIST_QUERY'],
      ['/v1/products?cursor=not-a-cursor', '/query/cursor', 'DB_INVALID_CURSOR'],
      ['/v1/products?colour=red', '/query/colour', 'VALIDATION_FAILED'],
    ] as const;
    for (const [url, field, code] of cases) {
      const response = await orders.call('GET', url, { as: viewer });
      expect(response.statusCode, url).toBe(400);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.json(), url).toMatchObject({ code, errors: [{ field }] });
    }
  });
});
