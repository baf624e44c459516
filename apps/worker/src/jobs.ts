import { type BackoffPolicy, defineJob, type JobDefinition } from '@groundwork/queue';
import Type, { type Static, type TSchema } from 'typebox';
import {
  ORDER_EVENT_TYPES,
  OrderCancelledSchema,
  OrderExportRequestedSchema,
  OrderPlacedSchema,
} from './domain/order-events.ts';

/** How hard every job is tried: from config, so tests can retry in milliseconds. */
export interface RetryPolicy {
  /** Runs in all, the first included; after the last failed one the job is dead-lettered. */
  readonly attempts: number;
  readonly backoff: Partial<BackoffPolicy>;
}

/** The queues the worker consumes; one BullMQ worker pool each. */
export const QUEUES = {
  notifications: 'notifications',
  orderReadModel: 'order-read-model',
  maintenance: 'maintenance',
} as const;

/**
 * The payload of an event's job: the event as its service wrote it (`data`, the outbox row's
 * `payload`) and when it happened (the row's `createdAt`). The event id is the job id.
 */
export function eventJobSchema<Data extends TSchema>(data: Data) {
  return Type.Object({ occurredAt: Type.String({ format: 'date-time' }), data });
}

export type EventJob<Data extends TSchema> = Static<ReturnType<typeof eventJobSchema<Data>>>;

/**
 * Every job the worker runs, shared by the code that enqueues it (the outbox relay, the job
 * schedulers) and the code that runs it.
 */
export function defineWorkerJobs(retry: RetryPolicy) {
  return {
    sendOrderConfirmation: defineJob({
      name: 'send-order-confirmation',
      queue: QUEUES.notifications,
      schema: eventJobSchema(OrderPlacedSchema),
      ...retry,
    }),
    projectOrderPlaced: defineJob({
      name: 'project-order-placed',
      queue: QUEUES.orderReadModel,
      schema: eventJobSchema(OrderPlacedSchema),
      ...retry,
    }),
    projectOrderCancelled: defineJob({
      name: 'project-order-cancelled',
      queue: QUEUES.orderReadModel,
      schema: eventJobSchema(OrderCancelledSchema),
      ...retry,
    }),
    expireUnconfirmedOrders: defineJob({
      name: 'expire-unconfirmed-orders',
      queue: QUEUES.maintenance,
      schema: Type.Object({
        /** Orders still unconfirmed this long after they were placed are expired. */
        unconfirmedForMinutes: Type.Integer({ minimum: 1 }),
        /** Orders expired per round trip to orders. */
        batchSize: Type.Integer({ minimum: 1 }),
      }),
      ...retry,
    }),
    rotateSigningKeys: defineJob({
      name: 'rotate-signing-keys',
      queue: QUEUES.maintenance,
      // Nothing to say: identity's own settings decide whether a key is due.
      schema: Type.Object({}),
      ...retry,
    }),
    purgeIdempotencyKeys: defineJob({
      name: 'purge-idempotency-keys',
      queue: QUEUES.maintenance,
      schema: Type.Object({ batchSize: Type.Integer({ minimum: 1 }) }),
      ...retry,
    }),
    /** `order.export-requested` → orders runs the export (202 Accepted, then this). */
    runOrderExport: defineJob({
      name: 'run-order-export',
      queue: QUEUES.maintenance,
      schema: eventJobSchema(OrderExportRequestedSchema),
      ...retry,
    }),
  };
}

export type WorkerJobs = ReturnType<typeof defineWorkerJobs>;

/** Which jobs each outbox event type becomes. */
export type EventRoutes = ReadonlyMap<string, readonly JobDefinition[]>;

/**
 * The subscriptions: an event fans out to one job per consumer. Event types not listed have no
 * consumer yet; the relay marks them published without enqueueing anything.
 */
export function eventRoutes(jobs: WorkerJobs): EventRoutes {
  return new Map<string, readonly JobDefinition[]>([
    [ORDER_EVENT_TYPES.placed, [jobs.sendOrderConfirmation, jobs.projectOrderPlaced]],
    [ORDER_EVENT_TYPES.cancelled, [jobs.projectOrderCancelled]],
    [ORDER_EVENT_TYPES.exportRequested, [jobs.runOrderExport]],
  ]);
}
