import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { type Caller, newOrg, productBody, useOrdersApp } from '../../test/orders-app.ts';

const SEEDED = 1_000;

describeWithServices('paging /v1/products', ['postgres', 'redis'], () => {
  const orders = useOrdersApp();

  test('when 1,000 products are walked page by page while others are inserted, then each one is seen exactly once', async () => {
    const org = newOrg();
    const admin: Caller = { org, role: 'admin' };
    // Names spread over the alphabet, so concurrent inserts land before, between and after pages.
    const { rows } = await orders.admin.query<{ id: string }>(
      `INSERT INTO products (id, "orgId", sku, name, "priceMinor", currency, stock, "updatedAt")
       SELECT gen_random_uuid(), $1, 'seed-' || n, md5(n::text), n, 'EUR', 1, now() FROM generate_series(1, $2) AS n
       RETURNING id`,
      [org, SEEDED],
    );
    const seeded = new Set(rows.map((row) => row.id));

    let inserting = true;
    const inserter = (async () => {
      let n = 0;
      while (inserting) {
        n += 1;
        const name = Math.random().toString(16).slice(2);
        await orders.call('POST', '/v1/products', {
          as: admin,
          body: productBody({ sku: `late-${n}`, name }),
        });
      }
      return n;
    })();

    const seen: string[] = [];
    let url: string | undefined = '/v1/products?limit=100&sort=name';
    let pages = 0;
    while (url !== undefined) {
      const response = await orders.call('GET', url, { as: admin });
      expect(response.statusCode, response.body).toBe(200);
      const page = response.json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      url = page.links.next;
      pages += 1;
    }
    inserting = false;
    const inserted = await inserter;

    expect(inserted).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.filter((id) => seeded.has(id))).toHaveLength(SEEDED);
    expect(pages).toBeGreaterThanOrEqual(SEEDED / 100);
  }, 60_000);
});
