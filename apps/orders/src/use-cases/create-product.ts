import { allowedTo, assertAllowed, type Principal } from '@groundwork/auth';
import type { NewProduct, Product } from '../domain/product.ts';
import type { ProductStore } from './ports.ts';

export interface CreateProductDeps {
  readonly products: ProductStore;
}

/** Adds a product to the catalog of the caller's organization (admins: catalog:write). */
export async function createProduct(
  deps: CreateProductDeps,
  actor: Principal,
  product: NewProduct,
): Promise<Product> {
  assertAllowed(actor, allowedTo('catalog:write'), product);
  return deps.products.create(product);
}
