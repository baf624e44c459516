import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PrismaClient } from '../test/fixtures/shop/src/generated/prisma/client.ts';
import { shopTemplate } from '../test/support/shop-database.ts';
import { createDatabaseClient, type DatabaseClient } from './create-database-client.ts';
import { dbErrors } from './db-errors.ts';
import { type FilterField, parseFilter, type SortField } from './list-query.ts';
import { findPage } from './pagination.ts';

const db = usePostgres({ template: shopTemplate });
let client: DatabaseClient<PrismaClient>;
let prisma: PrismaClient;

const tenantId = '00000000-0000-4000-8000-000000000005';
const otherTenant = '00000000-0000-4000-8000-000000000006';
const newestFirst: SortField[] = [{ field: 'createdAt', direction: 'desc' }];

beforeAll(async () => {
  client = createDatabaseClient(PrismaClient, { url: db.url });
  prisma = client.prisma;
  // 25 products over 9 distinct timestamps: many ties, which only the tiebreaker orders.
  await prisma.product.createMany({
    data: Array.from({ length: 25 }, (_, i) => ({
      tenantId,
      sku: `sku-${String(i).padStart(2, '0')}`,
      name: `Product ${i}`,
      priceCents: 100 * (i % 7),
      createdAt: new Date(Date.UTC(2026, 0, 1 + (i % 9))),
    })),
  });
  await prisma.product.create({
    data: { tenantId: otherTenant, sku: 'foreign', name: 'Other tenant', priceCents: 1 },
  });
});
afterAll(async () => {
  await client?.disconnect();
});

/** Follows nextCursor to the end; returns the pages' ids. */
async function walk(sort: readonly SortField[], limit: number, where: object = { tenantId }) {
  const pages: string[][] = [];
  let cursor: string | undefined;
  do {
    const page = await findPage(prisma.product, { where, sort, limit, cursor });
    pages.push(page.items.map((p) => p.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  return pages;
}

describe('findPage', () => {
  test('when every page is followed, then each row appears exactly once, in sort order with the id as tiebreaker', async () => {
    const expected = await prisma.product.findMany({
      where: { tenantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
    });

    const pages = await walk(newestFirst, 10);

    expect(pages.map((page) => page.length)).toEqual([10, 10, 5]);
    expect(pages.flat()).toEqual(expected.map((p) => p.id));
  });

  test('when the rows fill the last page exactly, then there is no empty page after it', async () => {
    const pages = await walk(newestFirst, 5);

    expect(pages.map((page) => page.length)).toEqual([5, 5, 5, 5, 5]);
  });

  test('when sorting by several fields in mixed directions, then the walk matches the database order', async () => {
    const sort: SortField[] = [
      { field: 'priceCents', direction: 'asc' },
      { field: 'createdAt', direction: 'desc' },
    ];
    const expected = await prisma.product.findMany({
      where: { tenantId },
      orderBy: [{ priceCents: 'asc' }, { createdAt: 'desc' }, { id: 'asc' }],
    });

    expect((await walk(sort, 4)).flat()).toEqual(expected.map((p) => p.id));
  });

  test('when rows are added before the cursor between two pages, then the next page neither repeats nor skips', async () => {
    const first = await findPage(prisma.product, {
      where: { tenantId },
      sort: newestFirst,
      limit: 10,
    });
    const newer = await prisma.product.create({
      data: {
        tenantId,
        sku: 'newest',
        name: 'Newest',
        priceCents: 1,
        createdAt: new Date(Date.UTC(2027, 0, 1)),
      },
    });

    const second = await findPage(prisma.product, {
      where: { tenantId },
      sort: newestFirst,
      limit: 10,
      cursor: first.nextCursor ?? undefined,
    });
    await prisma.product.delete({ where: { id: newer.id } });

    const expected = await prisma.product.findMany({
      where: { tenantId },
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      skip: 10,
      take: 10,
    });
    expect(second.items.map((p) => p.id)).toEqual(expected.map((p) => p.id));
  });

  test('when the collection is filtered, then other tenants and filtered-out rows never appear', async () => {
    const where = {
      tenantId,
      ...parseFilter({ 'filter[priceCents][gte]': '300' }, {
        priceCents: { type: 'integer', operators: ['gte'] },
      } satisfies Record<string, FilterField>),
    };

    const ids = (await walk(newestFirst, 4, where)).flat();

    const expected = await prisma.product.findMany({
      where: { tenantId, priceCents: { gte: 300 } },
    });
    expect(new Set(ids)).toEqual(new Set(expected.map((p) => p.id)));
    expect(ids).toHaveLength(expected.length);
  });

  test('when a cursor is tampered with or made for another sort, then it is DB_INVALID_CURSOR naming /query/cursor', async () => {
    const { nextCursor } = await findPage(prisma.product, {
      where: { tenantId },
      sort: newestFirst,
      limit: 3,
    });
    const read = (cursor: string, sort = newestFirst) =>
      findPage(prisma.product, { where: { tenantId }, sort, limit: 3, cursor }).catch(
        (e: unknown) => e,
      );

    const otherSort = await read(nextCursor ?? '', [{ field: 'name', direction: 'asc' }]);
    const garbage = await read('not-a-cursor');
    const forged = await read(
      Buffer.from(JSON.stringify({ s: '-createdAt,id', v: [{}, 1] })).toString('base64url'),
    );

    for (const error of [otherSort, garbage, forged]) {
      expect(dbErrors.DB_INVALID_CURSOR.is(error)).toBe(true);
      expect(error).toMatchObject({ kind: 'invalid', fields: [{ field: '/query/cursor' }] });
    }
  });
});
