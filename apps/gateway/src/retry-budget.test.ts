import { describe, expect, test } from 'vitest';
import { createRetryBudget } from './retry-budget.ts';

function clock(start = 0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

function spend(budget: ReturnType<typeof createRetryBudget>): number {
  let retries = 0;
  while (budget.canRetry() && retries < 10_000) {
    budget.recordRetry();
    retries += 1;
  }
  return retries;
}

describe('retry budget', () => {
  test('when calls flow, then retries are capped at the ratio of them', () => {
    const time = clock();
    const budget = createRetryBudget({ ratio: 0.2, minPerSecond: 0, now: time.now });

    for (let i = 0; i < 100; i += 1) budget.recordCall();

    expect(spend(budget)).toBe(20);
  });

  test('when traffic is quiet, then the per-second floor still allows a few retries', () => {
    const time = clock();
    const budget = createRetryBudget({ ratio: 0.2, minPerSecond: 2, now: time.now });

    budget.recordCall();

    // 2 per second over the 10 s window, plus 0.2 of one call.
    expect(spend(budget)).toBe(21);
  });

  test('when the window has passed, then old calls no longer pay for retries, and old retries no longer count', () => {
    const time = clock();
    const budget = createRetryBudget({ ratio: 0.5, minPerSecond: 0, now: time.now });
    for (let i = 0; i < 10; i += 1) budget.recordCall();
    expect(spend(budget)).toBe(5);

    time.advance(10_000);

    expect(budget.canRetry()).toBe(false);
    for (let i = 0; i < 4; i += 1) budget.recordCall();
    expect(spend(budget)).toBe(2);
  });

  test('when part of the window has passed, then only the calls of the aged-out buckets are forgotten', () => {
    const time = clock();
    const budget = createRetryBudget({ ratio: 1, minPerSecond: 0, now: time.now });
    for (let i = 0; i < 4; i += 1) budget.recordCall();
    time.advance(5_000);
    for (let i = 0; i < 4; i += 1) budget.recordCall();
    time.advance(5_000);

    expect(spend(budget)).toBe(4);
  });
});
