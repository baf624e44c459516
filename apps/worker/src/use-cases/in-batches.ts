/**
 * Repeats `step` (which handles at most `batchSize` items and says how many it handled) until a
 * step handles fewer, or `signal` aborts, and returns the total. Short transactions in a loop
 * keep locks and replication lag small where one big statement would hold them for its whole run.
 */
export async function inBatches(
  batchSize: number,
  signal: AbortSignal,
  step: (batchSize: number) => Promise<number>,
): Promise<number> {
  let total = 0;
  for (;;) {
    const handled = await step(batchSize);
    total += handled;
    if (handled < batchSize || signal.aborted) return total;
  }
}
