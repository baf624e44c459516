import { ordersErrors } from './orders-errors.ts';

/**
 * The largest amount in minor units (cents) the service stores: the columns are 32-bit integers.
 * Money is counted in integers of the currency's minor unit, never in floats, so sums are exact.
 */
export const MAX_MINOR = 2_147_483_647;

const CURRENCY = /^[A-Z]{3}$/;

/** An ISO 4217 alphabetic code such as `EUR`. */
export function isCurrency(code: string): boolean {
  return CURRENCY.test(code);
}

/** `unitMinor × quantity`, refusing a result the columns cannot hold. */
export function lineTotal(unitMinor: number, quantity: number): number {
  return checked(unitMinor * quantity);
}

/** The sum of amounts, refusing a result the columns cannot hold. */
export function sum(amounts: readonly number[]): number {
  return checked(amounts.reduce((total, amount) => total + amount, 0));
}

function checked(amount: number): number {
  if (!Number.isSafeInteger(amount) || amount > MAX_MINOR) {
    throw ordersErrors.ORDERS_AMOUNT_TOO_LARGE.create(
      `Amounts are limited to ${MAX_MINOR} minor units.`,
    );
  }
  return amount;
}
