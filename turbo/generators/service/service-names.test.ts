import { describe, expect, it } from 'vitest';
import { nextFreePort, serviceNameProblem, serviceNames } from './service-names.ts';

describe('serviceNames', () => {
  it('when the name is a plural like payments, then the resource is its singular', () => {
    expect(serviceNames('payments', 3004)).toEqual({
      kebab: 'payments',
      singularKebab: 'payment',
      pascal: 'Payment',
      camel: 'payment',
      pluralCamel: 'payments',
      pluralPascal: 'Payments',
      constant: 'PAYMENTS',
      snake: 'payments',
      port: 3004,
    });
  });

  it('when the name has two words and no plural s, then each spelling joins them its own way', () => {
    expect(serviceNames('stock-billing', 3005)).toMatchObject({
      singularKebab: 'stock-billing-record',
      pascal: 'StockBillingRecord',
      pluralCamel: 'stockBilling',
      constant: 'STOCK_BILLING',
      snake: 'stock_billing',
    });
  });
});

describe('serviceNameProblem', () => {
  it('when the name is not kebab-case or is taken, then it says why', () => {
    expect(serviceNameProblem('Payments', [])).toMatch(/not a kebab-case name/);
    expect(serviceNameProblem('pay_ments', [])).toMatch(/not a kebab-case name/);
    expect(serviceNameProblem('orders', ['orders'])).toBe('apps/orders exists or is reserved');
    expect(serviceNameProblem('payments', ['orders'])).toBeUndefined();
  });
});

describe('nextFreePort', () => {
  it('when apps declare ports, then the next one after the highest is chosen', () => {
    expect(nextFreePort(['...serviceEnv({ port: 3002 }),', 'serviceEnv({ port: 3003 })', ''])).toBe(
      3004,
    );
  });
});
