import { describe, expect, test } from 'vitest';
import { backoffDelay, checkBackoffPolicy } from './backoff.ts';

const noJitter = { initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0 };

describe('backoffDelay', () => {
  test('when jitter is off, then each retry waits twice as long as the one before', () => {
    expect([1, 2, 3, 4].map((retry) => backoffDelay(noJitter, retry))).toEqual([
      100, 200, 400, 800,
    ]);
  });

  test('when the doubling passes maxDelayMs, then the delay stays at the cap', () => {
    expect(backoffDelay(noJitter, 5)).toBe(1_000);
    expect(backoffDelay(noJitter, 10_000)).toBe(1_000);
  });

  test('when jitter is 0.5, then the delay lies between half and all of the exponential delay', () => {
    const policy = { ...noJitter, jitter: 0.5 };
    expect(backoffDelay(policy, 3, () => 0)).toBe(400);
    expect(backoffDelay(policy, 3, () => 0.999_999)).toBe(200);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(300);
  });

  test('when many jobs retry together, then their delays spread out instead of coinciding', () => {
    const policy = { ...noJitter, jitter: 1 };
    const delays = new Set(Array.from({ length: 200 }, () => backoffDelay(policy, 3)));
    expect(delays.size).toBeGreaterThan(100);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(400);
  });
});

describe('checkBackoffPolicy', () => {
  test.each([
    [{ initialDelayMs: -1, maxDelayMs: 10, jitter: 0 }, 'initialDelayMs'],
    [{ initialDelayMs: 10, maxDelayMs: 5, jitter: 0 }, 'maxDelayMs'],
    [{ initialDelayMs: 10, maxDelayMs: 50, jitter: 1.5 }, 'jitter'],
    [{ initialDelayMs: 10, maxDelayMs: 50, jitter: Number.NaN }, 'jitter'],
  ])('when a policy is out of range (%o), then it is refused naming %s', (policy, field) => {
    expect(() => checkBackoffPolicy(policy, 'test')).toThrow(field);
  });
});
