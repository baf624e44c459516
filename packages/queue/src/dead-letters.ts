import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { DEFAULT_PREFIX, type QueueConnection } from './connection.ts';
import { DEAD_LETTER_SUFFIX } from './define-job.ts';
import { jobOptions } from './job-options.ts';
import { queueErrors } from './queue-errors.ts';

/** A job that will not run again by itself, with everything needed to understand and replay it. */
export interface DeadLetter {
  /** The job id: the event id for events, so replays stay deduplicated by the inbox. */
  readonly id: string;
  /** The queue the job came from (not its `.dlq`). */
  readonly queue: string;
  readonly name: string;
  readonly payload: unknown;
  readonly traceparent?: string;
  /** Why it died: the last error, or the schema violation of an invalid payload. */
  readonly reason: string;
  readonly attemptsMade: number;
  /** The job's attempt limit; a replay gets all of them again. */
  readonly attempts: number;
  /** ISO 8601. */
  readonly deadAt: string;
}

export interface DeadLetterQuery extends QueueConnection {
  /** Only this queue's dead letters; all queues' when omitted. */
  readonly queue?: string;
}

const DEFAULT_LIST_LIMIT = 100;

/** The queue that holds `queue`'s dead letters. */
export function deadLetterQueueName(queue: string): string {
  return `${queue}${DEAD_LETTER_SUFFIX}`;
}

/**
 * BullMQ refuses custom ids that contain `:` or are integers, yet job schedulers name their jobs
 * `repeat:…` and plain BullMQ producers number theirs. The dead letter keeps the original id in
 * its data; only its own job id is escaped.
 */
export function deadLetterJobId(id: string): string {
  const escaped = id.replaceAll('%', '%25').replaceAll(':', '%3A').replaceAll('#', '%23');
  return /^\d+$/.test(escaped) ? `#${escaped}` : escaped;
}

/**
 * Stores a dead letter. Its job id derives from the original one, so writing the same death
 * twice (the worker writes before failing the job, and again from the `failed` event as a safety
 * net) keeps the first, most precise record.
 */
export async function writeDeadLetter(deadLetters: Queue, letter: DeadLetter): Promise<void> {
  // No worker consumes a `.dlq` queue: its jobs wait there until replayed or dropped.
  await deadLetters.add(letter.name, letter, { jobId: deadLetterJobId(letter.id) });
}

/**
 * Lists dead letters, oldest first, at most `limit` per queue.
 *
 * @example
 * const letters = await listDeadLetters({ connection, queue: 'notifications' });
 * for (const { id, reason } of letters) console.warn(id, reason);
 */
export async function listDeadLetters(
  query: DeadLetterQuery & { readonly limit?: number },
): Promise<DeadLetter[]> {
  const limit = query.limit ?? DEFAULT_LIST_LIMIT;
  const queues = query.queue === undefined ? await findDeadLetterQueues(query) : [query.queue];
  const letters: DeadLetter[] = [];
  for (const queue of queues) {
    await usingQueue(query, deadLetterQueueName(queue), async (deadLetters) => {
      const jobs = await deadLetters.getJobs(['waiting'], 0, limit - 1, true);
      for (const job of jobs) letters.push(job.data as DeadLetter);
    });
  }
  return letters.sort((a, b) => a.deadAt.localeCompare(b.deadAt));
}

/**
 * Puts a dead job back on its queue, once, with a fresh attempt count and its original id, and
 * removes the dead letter. Run it after fixing what killed the job (or the schema that refused
 * it). A second replay of the same letter finds nothing: `QUEUE_DEAD_LETTER_NOT_FOUND`.
 *
 * @throws {AppError} `QUEUE_DEAD_LETTER_NOT_FOUND`, `QUEUE_DEAD_LETTER_AMBIGUOUS` (the id is in
 *   several queues' dead letters: pass `queue`), `QUEUE_REPLAY_CONFLICT` (the id is queued again).
 * @example
 * await replayDeadLetter({ connection }, '0b6f1c2e-…');
 */
export async function replayDeadLetter(query: DeadLetterQuery, id: string): Promise<DeadLetter> {
  const letter = await findDeadLetter(query, id);
  await usingQueue(query, letter.queue, async (queue) => {
    const previous = await queue.getJob(letter.id);
    if (previous !== undefined) {
      const state = await previous.getState();
      // The failed original still holds the id; any other state means it runs, or ran, again.
      if (state !== 'failed' && state !== 'unknown') {
        throw queueErrors.QUEUE_REPLAY_CONFLICT.create(
          `Job ${letter.id} is ${state} in queue ${letter.queue}; drop the dead letter instead.`,
        );
      }
      await previous.remove();
    }
    const envelope =
      letter.traceparent === undefined
        ? { payload: letter.payload }
        : { payload: letter.payload, traceparent: letter.traceparent };
    await queue.add(letter.name, envelope, jobOptions(letter.id, letter.attempts));
  });
  await removeDeadLetter(query, letter);
  return letter;
}

/**
 * Deletes a dead letter for good.
 *
 * @throws {AppError} `QUEUE_DEAD_LETTER_NOT_FOUND` or `QUEUE_DEAD_LETTER_AMBIGUOUS`.
 * @example
 * await dropDeadLetter({ connection, queue: 'notifications' }, '0b6f1c2e-…');
 */
export async function dropDeadLetter(query: DeadLetterQuery, id: string): Promise<DeadLetter> {
  const letter = await findDeadLetter(query, id);
  await removeDeadLetter(query, letter);
  return letter;
}

/** The queues that have (or had) dead letters, found by their keys. */
export async function findDeadLetterQueues(where: QueueConnection): Promise<string[]> {
  const prefix = where.prefix ?? DEFAULT_PREFIX;
  const head = `${prefix}:`;
  const tail = `${DEAD_LETTER_SUFFIX}:meta`;
  const keys = await scanKeys(where.connection, `${escapeGlob(head)}*${escapeGlob(tail)}`);
  return keys.map((key) => key.slice(head.length, -tail.length)).sort();
}

async function findDeadLetter(query: DeadLetterQuery, id: string): Promise<DeadLetter> {
  const queues = query.queue === undefined ? await findDeadLetterQueues(query) : [query.queue];
  const found: DeadLetter[] = [];
  for (const queue of queues) {
    await usingQueue(query, deadLetterQueueName(queue), async (deadLetters) => {
      const job = await deadLetters.getJob(deadLetterJobId(id));
      if (job !== undefined) found.push(job.data as DeadLetter);
    });
  }
  const [letter, ...others] = found;
  if (letter === undefined) {
    const where = query.queue === undefined ? 'any queue' : `queue ${query.queue}`;
    throw queueErrors.QUEUE_DEAD_LETTER_NOT_FOUND.create(`No dead letter ${id} in ${where}.`);
  }
  if (others.length > 0) {
    const names = found.map(({ queue }) => queue).join(', ');
    throw queueErrors.QUEUE_DEAD_LETTER_AMBIGUOUS.create(
      `Dead letter ${id} is in queues ${names}; name the queue.`,
    );
  }
  return letter;
}

async function removeDeadLetter(where: QueueConnection, letter: DeadLetter): Promise<void> {
  await usingQueue(where, deadLetterQueueName(letter.queue), (deadLetters) =>
    deadLetters.remove(deadLetterJobId(letter.id)),
  );
}

async function usingQueue<T>(
  where: QueueConnection,
  name: string,
  use: (queue: Queue) => Promise<T>,
): Promise<T> {
  const queue = new Queue(name, {
    connection: where.connection,
    prefix: where.prefix ?? DEFAULT_PREFIX,
    // Reading a queue must not create or rewrite its metadata (it would "find" a DLQ on a typo).
    skipMetasUpdate: true,
  });
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}

async function scanKeys(redis: Redis, pattern: string): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
    keys.push(...batch);
    cursor = next;
  } while (cursor !== '0');
  return [...new Set(keys)];
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
