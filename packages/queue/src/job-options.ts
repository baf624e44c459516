import type { JobsOptions } from 'bullmq';
import { BACKOFF_STRATEGY } from './backoff.ts';

/**
 * The options every job is added with, by producers and by replays alike: the caller's id (the
 * deduplication key), the attempt limit, and the backoff strategy that the worker resolves from
 * the job's definition.
 */
export function jobOptions(jobId: string, attempts: number, delayMs = 0): JobsOptions {
  return {
    jobId,
    attempts,
    backoff: { type: BACKOFF_STRATEGY },
    ...(delayMs > 0 ? { delay: delayMs } : {}),
  };
}

/** BullMQ's own rules for custom ids, checked before a round trip so the error names the job. */
export function assertJobId(jobId: string, where: string): void {
  if (jobId === '' || jobId.includes(':') || /^\d+$/.test(jobId)) {
    throw new TypeError(
      `${where}: jobId must be non-empty, without ':' and not an integer (got ${JSON.stringify(jobId)})`,
    );
  }
}
