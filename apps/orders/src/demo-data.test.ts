import { readFile } from 'node:fs/promises';
import path from 'node:path';
import Value from 'typebox/value';
import { expect, test } from 'vitest';
import { DEMO_CATALOG } from './demo-data.ts';
import { NewProductBody } from './http/product-views.ts';

const readme = await readFile(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
const demoSection = readme.slice(readme.indexOf('## Demo data'));

const acceptedByApi = (body: unknown): boolean => Value.Check(NewProductBody, body);

test('when the demo catalog is checked against the API, then every product is one POST /v1/products would accept, with SKUs unique per organization', () => {
  // The seed writes through the repository, past the HTTP schema: it must not store what the API refuses.
  const refused = DEMO_CATALOG.organizations.flatMap((organization) =>
    organization.products
      .filter((product) => !acceptedByApi(product))
      .map((product) => `${organization.name} ${product.sku}`),
  );
  expect(refused).toEqual([]);
  for (const organization of DEMO_CATALOG.organizations) {
    const skus = organization.products.map((product) => product.sku);
    expect(new Set(skus).size, organization.name).toBe(skus.length);
  }
});

test('when the README documents the demo data, then it names every organization id and every SKU with its price', () => {
  const documented = DEMO_CATALOG.organizations.flatMap((organization) => [
    `\`${organization.id}\``,
    ...organization.products.map((product) => `\`${product.sku}\` | ${product.priceMinor} |`),
  ]);
  const missing = documented.filter((value) => !demoSection.includes(value));
  expect(missing).toEqual([]);
});
