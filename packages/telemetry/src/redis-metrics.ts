import { tracingChannel } from 'node:diagnostics_channel';
import type { MetricsRegistry } from './metrics-registry.ts';

/**
 * Bucket bounds, in seconds, of the Redis command histogram: a healthy command on a LAN answers
 * in well under a millisecond, so the buckets are fine there; the top ones catch a Redis that
 * stalls (a fork for a snapshot, a slow Lua script) up to the clients' 1 s command timeout.
 */
export const REDIS_COMMAND_DURATION_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
];

/** What ioredis publishes for each command (its `CommandTraceContext`), as far as we read it. */
interface RedisCommandEvent {
  readonly command: string;
  /** Set by the channel when the command failed. */
  readonly error?: unknown;
  /** Ours: when the command started, in `performance.now()` milliseconds. */
  [STARTED]?: number;
}

// The tracing channel hands the same context object to every event of one command, so the start
// time travels on it; a symbol keeps it clear of ioredis's own fields.
const STARTED = Symbol('groundwork.redisCommandStarted');

/**
 * Records the latency of every command of every ioredis client in the process (the caches, the
 * gateway's rate limiter, BullMQ), as `redis_client_command_duration_seconds{command, outcome}`,
 * from ioredis 6's own `ioredis:command` tracing channel: no client needs wiring, and a client
 * created later is covered too. `command` is the lower-case command name (a bounded set),
 * `outcome` is `ok` or `error` (a Redis error reply, a timeout, a closed connection).
 *
 * `defaultMetricsRegistry()` calls it once, so every app's `/metrics` has the series.
 *
 * - p99 per command: `histogram_quantile(0.99, sum by (le, command) (rate(redis_client_command_duration_seconds_bucket[5m])))`
 * - errors: `sum by (command) (rate(redis_client_command_duration_seconds_count{outcome="error"}[5m]))`
 *
 * @returns a function that stops recording.
 * @example
 * const stop = recordRedisCommandDurations(createMetricsRegistry());
 */
export function recordRedisCommandDurations(registry: MetricsRegistry): () => void {
  const duration = registry.histogram({
    name: 'redis_client_command_duration_seconds',
    help: 'Duration of Redis commands sent by this process, from send to reply, by command and outcome.',
    labelNames: ['command', 'outcome'],
    buckets: REDIS_COMMAND_DURATION_BUCKETS,
  });
  const channel = tracingChannel<RedisCommandEvent>('ioredis:command');
  const finish = (event: RedisCommandEvent) => {
    const started = event[STARTED];
    if (started === undefined) return;
    event[STARTED] = undefined;
    duration.observe(
      { command: event.command.toLowerCase(), outcome: event.error === undefined ? 'ok' : 'error' },
      (performance.now() - started) / 1000,
    );
  };
  const handlers = {
    start(event: RedisCommandEvent) {
      event[STARTED] = performance.now();
    },
    // A command that throws synchronously ends here with its error set; one that returns a
    // promise ends in asyncEnd.
    end(event: RedisCommandEvent) {
      if (event.error !== undefined) finish(event);
    },
    asyncStart() {},
    asyncEnd: finish,
    error() {},
  };
  channel.subscribe(handlers);
  return () => channel.unsubscribe(handlers);
}
