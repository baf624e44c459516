import { createCacheRedisClient } from '@groundwork/cache';
import { createLogger } from '@groundwork/logger';
import type { Service } from '@groundwork/service-kit';
import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../../test/orders-app.ts';

describeWithServices('product reads through the cache', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();
  const org = newOrg();
  const admin: Caller = { org, role: 'admin' };

  const createProduct = async (app?: Service) => {
    const request = { as: admin, body: productBody({ name: 'v1' }) };
    const response =
      app === undefined
        ? await orders.call('POST', '/v1/products', request)
        : await app.inject({
            method: 'POST',
            url: '/v1/products',
            headers: { authorization: `Bearer ${await orders.tokenFor(admin)}` },
            payload: request.body,
          });
    expect(response.statusCode, response.body).toBe(201);
    return response.json() as { id: string };
  };

  /** Reads and writes a product on `app` (default: the file's app) as the tenant's admin. */
  const on = (app?: Service) => {
    const call = async (method: string, url: string, body?: object) => {
      const headers = { authorization: `Bearer ${await orders.tokenFor(admin)}` };
      return (app ?? orders.app).inject({
        method: method as 'GET',
        url,
        headers,
        ...(body === undefined ? {} : { payload: body }),
      });
    };
    return {
      read: async (id: string) => {
        const response = await call('GET', `/v1/products/${id}`);
        expect(response.statusCode, response.body).toBe(200);
        return {
          ...(response.json() as { name: string; version: number; stock: number }),
          etag: response.headers.etag,
        };
      },
      rename: async (id: string, name: string) => {
        const response = await call('PATCH', `/v1/products/${id}`, { name });
        expect(response.statusCode, response.body).toBe(200);
      },
    };
  };

  test('when a product is fetched twice, then the second answer is served from cache with an ETag', async () => {
    const { id } = await createProduct();
    const first = await on().read(id);
    // Changed behind the service's back: only a read that skips PostgreSQL still sees v1.
    await orders.admin.query(`UPDATE products SET name = 'changed in SQL' WHERE id = $1`, [id]);

    const second = await on().read(id);

    expect(second).toEqual(first);
    expect(second.etag).toBe('"1"');
  });

  test('when a product is updated, then the next read misses the cache and loads the new version', async () => {
    const { id } = await createProduct();
    await on().read(id);

    await on().rename(id, 'v2');

    expect(await on().read(id)).toMatchObject({ name: 'v2', version: 2, etag: '"2"' });
  });

  test('when an order reserves stock, then the next product read shows the new stock', async () => {
    const { id } = await createProduct();
    expect(await on().read(id)).toMatchObject({ stock: 10 });

    const placed = await orders.call('POST', '/v1/orders', {
      as: { org, role: 'member' },
      body: { lines: [{ productId: id, quantity: 4 }] },
    });

    expect(placed.statusCode).toBe(201);
    expect(await on().read(id)).toMatchObject({ stock: 6, version: 2 });
  });

  test('when readers keep loading a product while it is written, then a read after each write never returns the old product', async () => {
    const { id } = await createProduct();
    let writing = true;
    const readers = Array.from({ length: 4 }, async () => {
      while (writing) await on().read(id);
    });

    for (let round = 2; round <= 21; round += 1) {
      await on().rename(id, `v${round}`);
      expect(await on().read(id)).toMatchObject({ name: `v${round}`, version: round });
    }
    writing = false;
    await Promise.all(readers);
  }, 30_000);

  test('when Redis is unreachable, then product reads and writes still succeed from PostgreSQL', async () => {
    // Nothing listens on port 1: every Redis call fails at once.
    const app = await orders.buildAnother({ REDIS_URL: 'redis://127.0.0.1:1' });
    const { id } = await createProduct(app);

    expect(await on(app).read(id)).toMatchObject({ name: 'v1' });
    await on(app).rename(id, 'v2');
    expect(await on(app).read(id)).toMatchObject({ name: 'v2' });
  });

  test('when Redis stops after a product was cached and a write happens meanwhile, then neither the outage nor the recovery serves the old product', async () => {
    const logger = createLogger({ service: 'orders-test', level: 'silent' });
    const redis = createCacheRedisClient(orders.redisUrl, { logger });
    const app = await orders.buildAnother(
      { PRODUCT_CACHE_NAMESPACE: `${orders.redisPrefix}product-outage` },
      { redis },
    );
    try {
      const { id } = await createProduct(app);
      expect(await on(app).read(id)).toMatchObject({ name: 'v1' }); // cached

      redis.disconnect(); // Redis is gone for this instance
      await on(app).rename(id, 'v2'); // its invalidation cannot be delivered
      expect(await on(app).read(id)).toMatchObject({ name: 'v2' });

      await redis.connect(); // back, still holding the cached v1
      expect(await on(app).read(id)).toMatchObject({ name: 'v2', version: 2 });
    } finally {
      await app.close();
      redis.disconnect();
    }
  });
});
