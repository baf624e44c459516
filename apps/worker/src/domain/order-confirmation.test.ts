import { describe, expect, test } from 'vitest';
import { formatMoney, orderConfirmation } from './order-confirmation.ts';

describe('the order confirmation', () => {
  test('when an order is placed, then the confirmation names the order and its total, for its customer', () => {
    const draft = orderConfirmation('event-1', {
      orderId: '6c5a8f0e-2b1d-4c3e-9f7a-0d1e2f3a4b5c',
      orgId: '00000000-0000-4000-8000-000000000001',
      customerId: 'customer-1',
      totalMinor: 4_900,
      currency: 'EUR',
    });

    expect(draft).toEqual({
      orgId: '00000000-0000-4000-8000-000000000001',
      eventId: 'event-1',
      kind: 'order-confirmation',
      recipient: 'customer-1',
      subject: 'Order 6C5A8F0E received',
      body: 'We have received your order 6C5A8F0E of €49.00. We will let you know when it ships.',
    });
  });

  test('when amounts are formatted, then each currency uses its own minor unit', () => {
    expect(formatMoney(1_999, 'USD')).toBe('$19.99');
    expect(formatMoney(500, 'JPY')).toBe('¥500');
    // ICU puts a no-break space after a code.
    expect(formatMoney(1_234, 'KWD')).toMatch(/^KWD\s1\.234$/);
  });
});
