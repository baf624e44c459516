import type { Logger } from '@groundwork/logger';
import { isTraceparent, type Producer, queueErrors } from '@groundwork/queue';
import { traceEnqueue } from '@groundwork/telemetry';
import type { OutboxListener, OutboxRow, OutboxSource } from './data/outbox-source.ts';
import type { EventRoutes } from './jobs.ts';

export interface OutboxRelayOptions {
  readonly source: OutboxSource;
  /** Enqueues each event's jobs; give it a fail-fast connection, so a Redis outage fails a batch quickly. */
  readonly producer: Producer;
  readonly routes: EventRoutes;
  /** Events claimed per transaction. */
  readonly batchSize: number;
  /** How often an idle relay looks anyway, in case a notification was missed. */
  readonly pollIntervalMs: number;
  readonly logger: Logger;
}

export interface OutboxRelay {
  readonly source: string;
  /** Finishes the batch in progress (published events get marked), then stops. */
  stop(): Promise<void>;
}

/** The longest an erroring relay waits before it tries again. */
const MAX_ERROR_DELAY_MS = 30_000;

/**
 * Relays one service's outbox to the queues: claims a batch of unpublished events, enqueues each
 * event's jobs (the event id as the job id, `{ occurredAt, data }` as the payload: see
 * `eventJobSchema`), marks the events published, and repeats while
 * there is work. Idle, it waits for the outbox trigger's notification, or the poll interval.
 *
 * Delivery is at least once: a relay that dies after enqueueing but before its commit leaves
 * the events unpublished, and the next claim enqueues them again, a no-op while BullMQ keeps
 * the job (and the consumers' inbox covers longer). Events of one aggregate are enqueued in the
 * order they were written; an event that cannot be enqueued holds back the later events of its
 * aggregate, never those of other aggregates.
 */
export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const { source, logger } = options;
  const log = logger.child({ outbox: source.name });
  let stopping = false;
  // Set by notifications and by full batches: there may be work, don't wait before looking.
  let maybeMore = true;
  let wake: (() => void) | undefined;
  const nudge = () => {
    maybeMore = true;
    wake?.();
  };
  const idle = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = undefined;
        resolve();
      }
      wake = done;
    });

  const listener: OutboxListener = await source.listen(nudge, (error) =>
    log.warn({ err: error }, 'outbox listener lost its connection; polling until it is back'),
  );

  const publish = (aggregates: readonly (readonly OutboxRow[])[]) =>
    publishAggregates(aggregates, options, log);

  const loop = async () => {
    let failures = 0;
    while (!stopping) {
      maybeMore = false;
      let delayMs = options.pollIntervalMs;
      try {
        const { claimed, published } = await source.claimBatch(options.batchSize, publish);
        failures = 0;
        if (claimed > 0) log.debug({ claimed, published }, 'outbox batch relayed');
        // A full batch that made progress leaves more behind. One that published nothing holds
        // only events that cannot be enqueued: looking again at once would spin on them.
        if (published > 0 && claimed === options.batchSize) maybeMore = true;
      } catch (error) {
        failures += 1;
        log.error({ err: error }, 'outbox batch failed; retrying');
      }
      if (failures > 0) {
        maybeMore = false;
        delayMs = Math.min(options.pollIntervalMs * 2 ** (failures - 1), MAX_ERROR_DELAY_MS);
      }
      if (!maybeMore && !stopping) await idle(delayMs);
    }
  };
  const running = loop();

  return {
    source: source.name,
    async stop() {
      stopping = true;
      wake?.();
      await running;
      await listener.close();
    },
  };
}

/**
 * Enqueues the jobs of every event, aggregates side by side and each aggregate's events one
 * after the other, and returns the ids of the events whose jobs all were enqueued. An event
 * that cannot be enqueued (its payload breaks its job's schema) is logged and holds back the
 * rest of its aggregate. Redis being unavailable fails the whole batch, to be retried later.
 */
async function publishAggregates(
  aggregates: readonly (readonly OutboxRow[])[],
  options: OutboxRelayOptions,
  log: Logger,
): Promise<string[]> {
  const published: string[] = [];
  let unavailable: unknown;
  await Promise.all(
    aggregates.map(async (events) => {
      for (const event of events) {
        if (unavailable !== undefined) return;
        try {
          await enqueueEvent(event, options);
          published.push(event.id);
        } catch (error) {
          if (queueErrors.QUEUE_UNAVAILABLE.is(error)) {
            unavailable = error;
            return;
          }
          // The events after it wait: publishing them first would break the aggregate's order.
          log.error(
            { err: error, eventId: event.id, type: event.type, aggregate: event.aggregate },
            'outbox event not relayed; later events of its aggregate wait for it',
          );
          return;
        }
      }
    }),
  );
  // Nothing gets marked; the events enqueued already are enqueued again next time, a no-op.
  if (unavailable !== undefined) throw unavailable;
  return published;
}

async function enqueueEvent(event: OutboxRow, options: OutboxRelayOptions): Promise<void> {
  const jobs = options.routes.get(event.type) ?? [];
  // A malformed trace context is dropped, as W3C asks of receivers, rather than failing the event.
  const traceparent = isTraceparent(event.traceparent) ? event.traceparent : undefined;
  const payload = { occurredAt: event.createdAt.toISOString(), data: event.payload };
  for (const job of jobs) {
    // A producer span under the request that wrote the event; with tracing off in this process
    // the stored traceparent still travels, so the consumer joins the request's trace anyway.
    await traceEnqueue(
      { queue: job.queue, name: job.name, id: event.id },
      (sendTraceparent) => {
        const carried = sendTraceparent ?? traceparent;
        return options.producer.enqueue(job, payload, {
          jobId: event.id,
          ...(carried === undefined ? {} : { traceparent: carried }),
        });
      },
      traceparent === undefined ? {} : { parent: traceparent },
    );
  }
}
