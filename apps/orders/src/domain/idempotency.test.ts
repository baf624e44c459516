import { describe, expect, test } from 'vitest';
import { requestFingerprint } from './idempotency.ts';

describe('requestFingerprint', () => {
  const body = { lines: [{ productId: 'p1', quantity: 2 }] };

  test('when the same caller sends the same body with its fields in another order, then the fingerprint is the same', () => {
    expect(requestFingerprint('user-1', { lines: [{ quantity: 2, productId: 'p1' }] })).toBe(
      requestFingerprint('user-1', body),
    );
  });

  test('when the body or the caller differs, then the fingerprint differs', () => {
    const first = requestFingerprint('user-1', body);
    expect(requestFingerprint('user-1', { lines: [{ productId: 'p1', quantity: 3 }] })).not.toBe(
      first,
    );
    expect(requestFingerprint('user-2', body)).not.toBe(first);
  });
});
