import { randomUUID } from 'node:crypto';
import { type Principal, runWithTenant } from '@groundwork/auth';
import { dbErrors } from '@groundwork/db';
import { expiredStatus } from '../domain/order-expiry.ts';
import { ordersErrors } from '../domain/orders-errors.ts';
import type { MaintenanceStore, OrderRef, OrderStore, ProductCache } from './ports.ts';

export interface ExpireUnconfirmedOrdersDeps {
  readonly orders: OrderStore;
  readonly maintenance: MaintenanceStore;
  readonly productCache: ProductCache;
}

/**
 * The scheduled expiry: cancels up to `limit` orders still pending that were placed before
 * `placedBefore`, oldest first, and resolves to how many it cancelled. Each one is cancelled as
 * a customer's cancellation is, in its own tenant and transaction (`OrderStore.changeStatus`):
 * the status, the stock of every line and the `order.cancelled` event commit together. An order
 * confirmed or expired meanwhile (by a concurrent run, say) is skipped: its version or status
 * has moved on, so its stock is released once.
 */
export async function expireUnconfirmedOrders(
  deps: ExpireUnconfirmedOrdersDeps,
  placedBefore: Date,
  limit: number,
): Promise<number> {
  const due = await deps.maintenance.overdueOrders(placedBefore, limit);
  let expired = 0;
  for (const ref of due) {
    if (await expireOne(deps, ref, placedBefore)) expired += 1;
  }
  return expired;
}

async function expireOne(
  deps: ExpireUnconfirmedOrdersDeps,
  { id, orgId }: OrderRef,
  placedBefore: Date,
): Promise<boolean> {
  return runWithTenant(scheduler(orgId), async () => {
    try {
      const order = await deps.orders.changeStatus(id, undefined, (current) =>
        expiredStatus(current, placedBefore),
      );
      await deps.productCache.invalidate(order.lines.map((line) => line.productId));
      return true;
    } catch (error) {
      if (movedOn(error)) return false;
      throw error;
    }
  });
}

/** Confirmed or cancelled since it was found, or changed under us: not ours to expire. */
function movedOn(error: unknown): boolean {
  return (
    ordersErrors.ORDERS_NOT_DUE_TO_EXPIRE.is(error) ||
    ordersErrors.ORDERS_ORDER_NOT_FOUND.is(error) ||
    dbErrors.DB_VERSION_CONFLICT.is(error)
  );
}

/**
 * Who the scheduler acts as in a tenant: no user, no role, no scope. The tenant comes from the
 * order row itself, not from a caller, and the store scopes every query to it.
 */
function scheduler(org: string): Principal {
  return {
    sub: 'orders-maintenance',
    org,
    roles: [],
    scope: [],
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 60,
  };
}
