import {
  dbErrors,
  type FilterField,
  findPage,
  type ListQuery,
  type Page,
  toDomainError,
  updateVersioned,
} from '@groundwork/db';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { Product } from '../domain/product.ts';
import type { ProductStore } from '../use-cases/ports.ts';
import type { PrismaClient } from './tenant-database.ts';

/** What `?filter[...]` may name on /v1/products. */
export const productFilters = {
  sku: { type: 'string', operators: ['eq', 'in', 'startsWith'] },
  name: { type: 'string', operators: ['contains', 'eq', 'startsWith'] },
  currency: { type: 'string', operators: ['eq', 'in'] },
  priceMinor: { type: 'integer', operators: ['eq', 'gte', 'lte', 'gt', 'lt'] },
  stock: { type: 'integer', operators: ['eq', 'gte', 'lte', 'gt', 'lt'] },
  createdAt: { type: 'datetime', operators: ['gte', 'lte', 'gt', 'lt'] },
} as const satisfies Record<string, FilterField>;

/** What `?sort=` may name: each one has an index led by orgId and ending with id. */
export const productSort = {
  allowed: ['createdAt', 'name', 'priceMinor', 'sku'],
  fallback: [{ field: 'createdAt', direction: 'desc' }],
} as const;

export type ProductSortField = (typeof productSort.allowed)[number];

export type ProductListQuery = ListQuery<typeof productFilters, ProductSortField>;

export interface ProductRepository extends ProductStore {
  list(query: ProductListQuery): Promise<Page<Product>>;
  /** The tenant's product with this SKU (unique per tenant), for idempotent imports and seeds. */
  findBySku(sku: string): Promise<Product | undefined>;
  /** The products among `ids` in one query, for batch loaders; missing ones are left out. */
  findMany(ids: readonly string[]): Promise<Product[]>;
}

/**
 * Products in PostgreSQL, through the tenant-scoped client: no method names a tenant, and none
 * can reach another tenant's rows.
 */
export function createProductRepository(prisma: PrismaClient): ProductRepository {
  const find = async (id: string) =>
    (await prisma.product.findUnique({ where: { id } })) ?? undefined;

  return {
    create: (product) => translated(() => prisma.product.create({ data: product })),

    find: (id) => translated(() => find(id)),

    findBySku: (sku) =>
      translated(async () => (await prisma.product.findFirst({ where: { sku } })) ?? undefined),

    findMany: (ids) =>
      translated(() => prisma.product.findMany({ where: { id: { in: [...ids] } } })),

    list: ({ filter, sort, limit, cursor }) =>
      translated(() => findPage(prisma.product, { where: filter, sort, limit, cursor })),

    update: (id, expectedVersion, change) =>
      translated(() =>
        updateVersioned(prisma.product, {
          where: { id },
          expectedVersion,
          change,
          entity: 'product',
        }),
      ),

    remove: (id, expectedVersion) =>
      translated(async () => {
        const { count } = await prisma.product.deleteMany({
          where: expectedVersion === undefined ? { id } : { id, version: expectedVersion },
        });
        if (count === 1) return;
        if ((await find(id)) === undefined) throw dbErrors.DB_NOT_FOUND.create();
        throw dbErrors.DB_VERSION_MISMATCH.create(
          `The product is no longer at version ${expectedVersion}; read it again.`,
        );
      }),
  };
}

/** Database failures as this service names them; the rest as @groundwork/db does. */
async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const domain = toDomainError(error);
    if (dbErrors.DB_NOT_FOUND.is(domain)) {
      throw ordersErrors.ORDERS_PRODUCT_NOT_FOUND.create(undefined, { cause: domain });
    }
    if (dbErrors.DB_ALREADY_EXISTS.is(domain)) {
      throw ordersErrors.ORDERS_SKU_TAKEN.create(undefined, { cause: domain });
    }
    if (dbErrors.DB_STILL_REFERENCED.is(domain)) {
      throw ordersErrors.ORDERS_PRODUCT_ORDERED.create(
        'Orders refer to this product; set its stock to 0 instead.',
        { cause: domain },
      );
    }
    throw domain;
  }
}
