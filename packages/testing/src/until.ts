import { setTimeout as sleep } from 'node:timers/promises';

export interface UntilOptions {
  /** How long `condition` may take to hold; 10 s by default, well inside vitest's test timeout. */
  readonly timeoutMs?: number;
  /** The pause between two checks; 10 ms by default. */
  readonly intervalMs?: number;
}

/**
 * Polls `condition` until it holds, for effects that arrive asynchronously (a job that ran, a log
 * line, a server that answers). Fails after `timeoutMs` with an error naming `what`, so a red test
 * says what never happened; an error thrown by `condition` fails at once. Unlike `vi.waitUntil`,
 * it works outside vitest hooks too and names what it waited for.
 *
 * @example
 * ```ts
 * import { until } from '@groundwork/testing';
 *
 * await until('the job ran', () => received.length === 1);
 * await until('every job completed', async () => (await queue.count()) === 0, { timeoutMs: 20_000 });
 * ```
 */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  options: UntilOptions = {},
): Promise<void> {
  const { timeoutMs = 10_000, intervalMs = 10 } = options;
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline) {
      throw new Error(`timed out waiting until ${what} (${timeoutMs} ms)`);
    }
    await sleep(intervalMs);
  }
}
