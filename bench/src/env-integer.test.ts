import { describe, expect, test } from 'vitest';
import { positiveIntegerEnv } from './env-integer.ts';

describe('positiveIntegerEnv', () => {
  test('when the variable is unset or a positive integer, then that is the value', () => {
    expect(positiveIntegerEnv('BENCH_ROUNDS', 3, {})).toBe(3);
    expect(positiveIntegerEnv('BENCH_ROUNDS', 3, { BENCH_ROUNDS: '7' })).toBe(7);
  });

  test.each(['0', '-2', '1.5', 'many'])(
    'when the variable is %s, then the error names it',
    (value) => {
      expect(() => positiveIntegerEnv('BENCH_ROUNDS', 3, { BENCH_ROUNDS: value })).toThrow(
        'BENCH_ROUNDS must be a positive integer',
      );
    },
  );
});
