import { lineTotal, sum } from './money.ts';
import type { OrderStatus } from './order-status.ts';
import { ordersErrors } from './orders-errors.ts';

export interface OrderLine {
  readonly productId: string;
  /** Copied from the product when the order was placed. */
  readonly sku: string;
  readonly name: string;
  readonly unitPriceMinor: number;
  readonly quantity: number;
}

export interface Order {
  readonly id: string;
  readonly orgId: string;
  /** The user who placed it. */
  readonly customerId: string;
  readonly status: OrderStatus;
  readonly totalMinor: number;
  readonly currency: string;
  readonly version: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly lines: readonly OrderLine[];
}

/** An order without its lines, as collections list it. */
export type OrderSummary = Omit<Order, 'lines'>;

export interface RequestedLine {
  readonly productId: string;
  readonly quantity: number;
}

/** A product as the stock reservation read it, in the transaction that places the order. */
export interface ReservedProduct {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly priceMinor: number;
  readonly currency: string;
}

export interface PricedOrder {
  readonly lines: readonly OrderLine[];
  readonly totalMinor: number;
  readonly currency: string;
}

/**
 * One line per product (quantities of repeated products added up), sorted by product id: every
 * transaction locks products in this one order, so two orders never wait on each other in a cycle.
 */
export function normaliseLines(lines: readonly RequestedLine[]): RequestedLine[] {
  const quantities = new Map<string, number>();
  for (const { productId, quantity } of lines) {
    quantities.set(productId, (quantities.get(productId) ?? 0) + quantity);
  }
  return [...quantities]
    .map(([productId, quantity]) => ({ productId, quantity }))
    .sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
}

/**
 * Prices the lines at the reserved products' current prices. An order is paid in one currency:
 * products in several are ORDERS_CURRENCY_MISMATCH.
 */
export function priceOrder(
  lines: readonly RequestedLine[],
  products: readonly ReservedProduct[],
): PricedOrder {
  const byId = new Map(products.map((product) => [product.id, product]));
  const priced = lines.map(({ productId, quantity }) => {
    const product = byId.get(productId);
    if (product === undefined) {
      throw ordersErrors.ORDERS_PRODUCT_NOT_FOUND.create(`No product ${productId}.`);
    }
    return {
      productId,
      sku: product.sku,
      name: product.name,
      unitPriceMinor: product.priceMinor,
      quantity,
      currency: product.currency,
    };
  });
  const currencies = [...new Set(priced.map((line) => line.currency))];
  const [currency] = currencies;
  if (currency === undefined) throw new TypeError('priceOrder: an order needs at least one line');
  if (currencies.length > 1) {
    throw ordersErrors.ORDERS_CURRENCY_MISMATCH.create(
      `The products are priced in ${currencies.join(' and ')}; order them separately.`,
    );
  }
  return {
    lines: priced.map(({ currency: _, ...line }) => line),
    totalMinor: sum(priced.map((line) => lineTotal(line.unitPriceMinor, line.quantity))),
    currency,
  };
}
