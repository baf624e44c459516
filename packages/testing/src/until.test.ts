import { describe, expect, test } from 'vitest';
import { until } from './until.ts';

describe('until', () => {
  test('when the condition already holds, then it resolves after one check', async () => {
    let checks = 0;

    await until('it holds', () => {
      checks += 1;
      return true;
    });

    expect(checks).toBe(1);
  });

  test('when an async condition comes to hold, then it resolves once it does', async () => {
    const readyAt = performance.now() + 50;

    await until('the time has come', async () => performance.now() >= readyAt);

    expect(performance.now()).toBeGreaterThanOrEqual(readyAt);
  });

  test('when the condition never holds, then it fails after timeoutMs naming what it waited for', async () => {
    const started = performance.now();

    await expect(until('the job ran', () => false, { timeoutMs: 50 })).rejects.toThrow(
      'timed out waiting until the job ran (50 ms)',
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(50);
  });

  test('when the condition throws, then it fails at once with that error', async () => {
    let checks = 0;

    await expect(
      until('the process answers', () => {
        checks += 1;
        throw new Error('the process exited');
      }),
    ).rejects.toThrow('the process exited');
    expect(checks).toBe(1);
  });
});
