import { describe, expect, test } from 'vitest';
import { MAX_MINOR } from './money.ts';
import { normaliseLines, priceOrder, type ReservedProduct } from './order.ts';

const chair: ReservedProduct = {
  id: 'b0000000-0000-4000-8000-000000000001',
  sku: 'chair',
  name: 'Chair',
  priceMinor: 4_999,
  currency: 'EUR',
};
const desk: ReservedProduct = {
  id: 'a0000000-0000-4000-8000-000000000002',
  sku: 'desk',
  name: 'Desk',
  priceMinor: 25_000,
  currency: 'EUR',
};

describe('normaliseLines', () => {
  test('when a product appears on several lines, then they become one line sorted by product id', () => {
    expect(
      normaliseLines([
        { productId: chair.id, quantity: 1 },
        { productId: desk.id, quantity: 1 },
        { productId: chair.id, quantity: 2 },
      ]),
    ).toEqual([
      { productId: desk.id, quantity: 1 },
      { productId: chair.id, quantity: 3 },
    ]);
  });
});

describe('priceOrder', () => {
  test('when products share a currency, then the total is the exact sum of the lines in minor units', () => {
    const priced = priceOrder(
      [
        { productId: chair.id, quantity: 3 },
        { productId: desk.id, quantity: 1 },
      ],
      [chair, desk],
    );
    expect(priced).toEqual({
      currency: 'EUR',
      totalMinor: 3 * 4_999 + 25_000,
      lines: [
        { productId: chair.id, sku: 'chair', name: 'Chair', unitPriceMinor: 4_999, quantity: 3 },
        { productId: desk.id, sku: 'desk', name: 'Desk', unitPriceMinor: 25_000, quantity: 1 },
      ],
    });
  });

  test('when products are priced in different currencies, then it fails with ORDERS_CURRENCY_MISMATCH', () => {
    expect(() =>
      priceOrder(
        [
          { productId: chair.id, quantity: 1 },
          { productId: desk.id, quantity: 1 },
        ],
        [chair, { ...desk, currency: 'USD' }],
      ),
    ).toThrow(expect.objectContaining({ code: 'ORDERS_CURRENCY_MISMATCH' }));
  });

  test('when the total exceeds what the columns hold, then it fails with ORDERS_AMOUNT_TOO_LARGE', () => {
    expect(() =>
      priceOrder([{ productId: chair.id, quantity: 2 }], [{ ...chair, priceMinor: MAX_MINOR }]),
    ).toThrow(expect.objectContaining({ code: 'ORDERS_AMOUNT_TOO_LARGE' }));
  });
});
