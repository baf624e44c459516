import Value from 'typebox/value';
import { describe, expect, test } from 'vitest';
import { AppError } from './app-error.ts';
import { commonErrors } from './common-errors.ts';
import { defineErrors } from './define-errors.ts';
import { httpStatusOf, problemSchema, toProblem } from './problem.ts';

const ordersErrors = defineErrors({
  ORDERS_OUT_OF_STOCK: { kind: 'conflict', title: 'Out of stock' },
});

describe('toProblem', () => {
  test('when a catalogue error is thrown, then its code, title and detail reach the client', () => {
    const error = ordersErrors.ORDERS_OUT_OF_STOCK.create('Only 2 left of SKU-1');
    expect(toProblem(error, { instance: '/v1/orders', requestId: 'req-1' })).toEqual({
      type: 'urn:groundwork:problem:orders-out-of-stock',
      title: 'Out of stock',
      status: 409,
      detail: 'Only 2 left of SKU-1',
      instance: '/v1/orders',
      code: 'ORDERS_OUT_OF_STOCK',
      requestId: 'req-1',
    });
  });

  test('when validation fails, then each failing field is listed', () => {
    const error = commonErrors.VALIDATION_FAILED.create('2 fields are invalid', {
      fields: [
        { field: '/body/email', message: 'must match format "email"' },
        { field: '/query/limit', message: 'must be <= 100' },
      ],
    });
    const problem = toProblem(error);
    expect(problem.status).toBe(400);
    expect(problem.errors).toEqual([
      { field: '/body/email', message: 'must match format "email"' },
      { field: '/query/limit', message: 'must be <= 100' },
    ]);
  });

  test('when an unexpected error is thrown, then the problem is a 500 that reveals nothing', () => {
    const error = new Error('connect ECONNREFUSED 10.0.0.5:5432 password=hunter2');
    const problem = toProblem(error, { requestId: 'req-2' });
    expect(problem).toEqual({
      type: 'urn:groundwork:problem:internal',
      title: 'Internal error',
      status: 500,
      detail: 'Internal error',
      code: 'INTERNAL',
      requestId: 'req-2',
    });
    expect(JSON.stringify(problem)).not.toContain('hunter2');
  });

  test('when an internal AppError carries a detail, then the detail is still withheld', () => {
    const problem = toProblem(commonErrors.INTERNAL.create('pool for 10.0.0.5 exhausted'));
    expect(problem.detail).toBe('Internal error');
  });

  test('when a thrown value is not an Error at all, then it is treated as internal', () => {
    expect(toProblem('boom').status).toBe(500);
    expect(toProblem(undefined).code).toBe('INTERNAL');
  });

  test('when any problem is built, then it matches the published problem schema', () => {
    const samples = [
      toProblem(new Error('x')),
      toProblem(commonErrors.RATE_LIMITED.create(), { instance: '/v1/x', traceId: 'abc' }),
      toProblem(
        commonErrors.VALIDATION_FAILED.create('bad', {
          fields: [{ field: '/body', message: 'm' }],
        }),
      ),
    ];
    for (const problem of samples) expect(Value.Check(problemSchema, problem)).toBe(true);
  });
});

describe('httpStatusOf', () => {
  test('when each kind is mapped, then it gets its RFC 9110 status', () => {
    expect(
      [
        'invalid',
        'unauthenticated',
        'forbidden',
        'not_found',
        'conflict',
        'precondition_failed',
        'unprocessable',
        'too_large',
        'unsupported_media_type',
        'rate_limited',
        'internal',
        'bad_gateway',
        'unavailable',
        'timeout',
      ].map((kind) => httpStatusOf(kind as never)),
    ).toEqual([400, 401, 403, 404, 409, 412, 422, 413, 415, 429, 500, 502, 503, 504]);
  });
});

describe('defineErrors', () => {
  test('when a code is not SCREAMING_SNAKE, then the catalogue is refused at definition time', () => {
    expect(() => defineErrors({ outOfStock: { kind: 'conflict', title: 'x' } })).toThrow(
      'Error code outOfStock is not SCREAMING_SNAKE_CASE',
    );
  });

  test('when an error wraps a cause, then the cause is kept for logs', () => {
    const cause = new Error('unique violation');
    const error = commonErrors.CONFLICT.create('Email taken', { cause });
    expect(error).toBeInstanceOf(AppError);
    expect(error.cause).toBe(cause);
    expect(commonErrors.CONFLICT.is(error)).toBe(true);
    expect(commonErrors.NOT_FOUND.is(error)).toBe(false);
  });

  test('when no detail is given, then the title serves as the message', () => {
    expect(commonErrors.NOT_FOUND.create().message).toBe('Not found');
  });
});
