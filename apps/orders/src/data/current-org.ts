import { currentTenant } from '@groundwork/auth';
import { ordersErrors } from '../domain/orders-errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The organization the current request acts for, from its verified token (never from a header
 * or a path). Identity issues organization ids as UUIDs; anything else owns nothing here.
 */
export function currentOrgId(): string {
  const { org } = currentTenant();
  if (!UUID.test(org)) {
    throw ordersErrors.ORDERS_TENANT_UNKNOWN.create('The token names no organization known here.');
  }
  return org.toLowerCase();
}
