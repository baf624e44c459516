import { ordersErrors } from '../domain/orders-errors.ts';
import type { Product } from '../domain/product.ts';
import type { ProductCache, ProductStore } from './ports.ts';

export interface GetProductDeps {
  readonly products: ProductStore;
  readonly productCache: ProductCache;
}

/** A product of the caller's organization, from the cache or, on a miss, from PostgreSQL. */
export async function getProduct(deps: GetProductDeps, id: string): Promise<Product> {
  const product = await deps.productCache.get(id, () => deps.products.find(id));
  if (product === undefined) throw ordersErrors.ORDERS_PRODUCT_NOT_FOUND.create();
  return product;
}
