import { describe, expect, test } from 'vitest';
import { dbErrors } from './db-errors.ts';
import { parseLimit } from './pagination.ts';

describe('parseLimit', () => {
  test('when limit is absent, then the fallback applies', () => {
    expect(parseLimit(undefined)).toBe(20);
    expect(parseLimit('', { fallback: 5 })).toBe(5);
  });

  test('when limit exceeds the maximum, then it is cut to the maximum', () => {
    expect(parseLimit('1000', { max: 100 })).toBe(100);
    expect(parseLimit(250, { max: 50 })).toBe(50);
  });

  test.each(['0', '-1', '2.5', 'ten', '1e3x'])(
    'when limit is "%s", then it is an invalid error naming /query/limit',
    (raw) => {
      let error: unknown;
      try {
        parseLimit(raw);
      } catch (e) {
        error = e;
      }

      expect(dbErrors.DB_INVALID_LIST_QUERY.is(error)).toBe(true);
      expect(error).toMatchObject({ fields: [{ field: '/query/limit' }] });
    },
  );
});
