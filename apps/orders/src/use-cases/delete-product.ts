import { allowedTo, assertAllowed, type Principal } from '@groundwork/auth';
import type { ProductCache, ProductStore } from './ports.ts';

export interface DeleteProductDeps {
  readonly products: ProductStore;
  readonly productCache: ProductCache;
}

export interface DeleteProductCommand {
  readonly id: string;
  readonly expectedVersion?: number | undefined;
}

/**
 * Removes a product (admins: catalog:write). A product that orders refer to stays: the database
 * refuses (ORDERS_PRODUCT_ORDERED), so order history never loses its lines.
 */
export async function deleteProduct(
  deps: DeleteProductDeps,
  actor: Principal,
  command: DeleteProductCommand,
): Promise<void> {
  assertAllowed(actor, allowedTo('catalog:write'), command);
  await deps.products.remove(command.id, command.expectedVersion);
  await deps.productCache.invalidate([command.id]);
}
