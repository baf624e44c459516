import Type from 'typebox';
import { describe, expect, test } from 'vitest';
import { DEFAULT_BACKOFF } from './backoff.ts';
import { defineJob, describeFieldErrors } from './define-job.ts';

const schema = Type.Object(
  { orderId: Type.String({ format: 'uuid' }), quantity: Type.Integer({ minimum: 1 }) },
  { additionalProperties: false },
);

describe('defineJob', () => {
  test('when only name, queue and schema are given, then 5 attempts and the default backoff apply', () => {
    const job = defineJob({ name: 'ship-order', queue: 'orders', schema });
    expect(job).toMatchObject({ name: 'ship-order', queue: 'orders', attempts: 5 });
    expect(job.backoff).toEqual(DEFAULT_BACKOFF);
    expect(Object.isFrozen(job)).toBe(true);
  });

  test('when part of the backoff is given, then the rest keeps its defaults', () => {
    const job = defineJob({ name: 'x', queue: 'q', schema, backoff: { initialDelayMs: 10 } });
    expect(job.backoff).toEqual({ ...DEFAULT_BACKOFF, initialDelayMs: 10 });
  });

  test.each([
    [{ name: '', queue: 'orders' }, 'name'],
    [{ name: 'x', queue: 'orders:eu' }, "without ':'"],
    [{ name: 'x', queue: 'orders.dlq' }, 'dead letters'],
    [{ name: 'x', queue: 'orders', attempts: 0 }, 'attempts'],
    [{ name: 'x', queue: 'orders', attempts: 1.5 }, 'attempts'],
  ])('when the definition is invalid (%o), then it is refused at once', (input, message) => {
    expect(() => defineJob({ schema, ...input })).toThrow(message);
  });

  test('when a payload conforms, then validate finds nothing', () => {
    const job = defineJob({ name: 'x', queue: 'q', schema });
    expect(job.validate({ orderId: '0b6f1c2e-3d4a-4b5c-8d6e-7f8091a2b3c4', quantity: 2 })).toEqual(
      [],
    );
  });

  test('when a payload breaks the schema, then each field is named with a JSON pointer', () => {
    const job = defineJob({ name: 'x', queue: 'q', schema });
    const fields = job.validate({ quantity: 0, coupon: 'FREE' });
    expect(fields).toEqual([
      { field: '/orderId', message: 'is required' },
      { field: '/coupon', message: 'is not allowed' },
      { field: '/quantity', message: 'must be >= 1' },
    ]);
    expect(describeFieldErrors(fields)).toBe(
      '/orderId is required; /coupon is not allowed; /quantity must be >= 1',
    );
  });

  test('when the payload is not even an object, then the root is named', () => {
    const job = defineJob({ name: 'x', queue: 'q', schema });
    expect(job.validate('order-1')).toEqual([{ field: '/', message: 'must be object' }]);
  });
});
