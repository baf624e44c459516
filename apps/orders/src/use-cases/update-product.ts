import { allowedTo, assertAllowed, type Principal } from '@groundwork/auth';
import type { Product, ProductChanges } from '../domain/product.ts';
import type { ProductCache, ProductStore } from './ports.ts';

export interface UpdateProductDeps {
  readonly products: ProductStore;
  readonly productCache: ProductCache;
}

export interface UpdateProductCommand {
  readonly id: string;
  /** From If-Match: the version the client edited. A stale one fails with 412. */
  readonly expectedVersion?: number | undefined;
  readonly changes: ProductChanges;
}

/**
 * Changes a product (admins: catalog:write). The cache entry is dropped after the commit, so the
 * next read, from any instance, loads the new version.
 */
export async function updateProduct(
  deps: UpdateProductDeps,
  actor: Principal,
  command: UpdateProductCommand,
): Promise<Product> {
  assertAllowed(actor, allowedTo('catalog:write'), command);
  const product = await deps.products.update(command.id, command.expectedVersion, () => ({
    ...command.changes,
  }));
  await deps.productCache.invalidate([command.id]);
  return product;
}
