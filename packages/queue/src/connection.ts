import { Redis } from 'ioredis';

/** Key prefix of BullMQ's own default, so dashboards (bull-board, Taskforce) find queues as-is. */
export const DEFAULT_PREFIX = 'bull';

/** Where queues live: a Redis connection and the key prefix that namespaces them. */
export interface QueueConnection {
  /**
   * An ioredis client without `keyPrefix` (BullMQ refuses one; use `prefix`). The caller owns it
   * and closes it after every producer and worker that uses it.
   */
  readonly connection: Redis;
  /** Prepended to every queue key; defaults to `bull`. Keep it the same for producer and worker. */
  readonly prefix?: string;
}

/**
 * Opens a Redis connection for queues. `maxRetriesPerRequest: null` is what BullMQ requires of a
 * worker's connection: its blocking reads must wait out a Redis restart instead of failing. For a
 * producer serving HTTP requests, or a command-line tool, `failFast` fails a command after one
 * reconnection attempt, so a caller hears of a Redis outage at once instead of hanging.
 *
 * @example
 * const connection = createQueueConnection(config.REDIS_URL);
 * const worker = await createWorker(sendOrderConfirmation, handler, { connection });
 */
export function createQueueConnection(
  url: string,
  options: { readonly failFast?: boolean } = {},
): Redis {
  return options.failFast === true
    ? new Redis(url, { maxRetriesPerRequest: 1 })
    : new Redis(url, { maxRetriesPerRequest: null });
}
