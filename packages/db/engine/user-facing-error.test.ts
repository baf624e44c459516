import { describe, expect, test } from 'vitest';
import { toUserFacingError } from './user-facing-error.js';

const url = 'postgresql://alice:s3cret@db.internal:6543/orders';

describe('toUserFacingError', () => {
  test.each([
    ['3D000', 'P1003', 'Database `orders` does not exist'],
    ['28P01', 'P1000', 'credentials for `alice` are not valid'],
    ['ECONNREFUSED', 'P1001', "Can't reach database server at `db.internal:6543`"],
    ['42P04', 'P1009', 'Database `orders` already exists'],
  ])(
    'when pg fails with %s, then the CLI gets %s and the native wording',
    (code, errorCode, text) => {
      const error = toUserFacingError(Object.assign(new Error('x'), { code }), url);

      expect(error.errorCode).toBe(errorCode);
      expect(error.message).toContain(text);
      expect(error.message).not.toContain('s3cret');
    },
  );

  test('when the error is not a known connection failure, then its message passes through without a code', () => {
    expect(toUserFacingError(new Error('syntax error'), url)).toEqual({
      errorCode: '',
      message: 'syntax error',
    });
  });
});
