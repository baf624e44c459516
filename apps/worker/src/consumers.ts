import type { Logger } from '@groundwork/logger';
import {
  createWorker,
  type JobDefinition,
  type JobHandler,
  type QueueWorker,
  UnrecoverableError,
  type WorkerOptions,
} from '@groundwork/queue';
import { traceJob } from '@groundwork/telemetry';
import type { Inbox } from './data/inbox.ts';
import type { NotificationRepository } from './data/notification-repository.ts';
import type { OrderSummaryRepository } from './data/order-summary-repository.ts';
import type { WorkerJobs } from './jobs.ts';
import type { NotificationSender } from './notifications/notification-sender.ts';
import {
  expireUnconfirmedOrders,
  type UnconfirmedOrders,
} from './use-cases/expire-unconfirmed-orders.ts';
import { projectOrderCancelled } from './use-cases/project-order-cancelled.ts';
import { projectOrderPlaced } from './use-cases/project-order-placed.ts';
import { type IdempotencyKeys, purgeIdempotencyKeys } from './use-cases/purge-idempotency-keys.ts';
import { rotateSigningKeys, type SigningKeys } from './use-cases/rotate-signing-keys.ts';
import { type OrderExports, runOrderExport } from './use-cases/run-order-export.ts';
import { sendOrderConfirmation } from './use-cases/send-order-confirmation.ts';

/**
 * The adapters of the jobs run through the services that own the data. A scheduled job whose
 * adapter is missing is not scheduled (see app.ts); an event's job without one fails for good.
 */
export interface MaintenancePorts {
  readonly unconfirmedOrders?: UnconfirmedOrders | undefined;
  readonly signingKeys?: SigningKeys | undefined;
  readonly idempotencyKeys?: IdempotencyKeys | undefined;
  readonly orderExports?: OrderExports | undefined;
}

export interface ConsumerDeps {
  readonly jobs: WorkerJobs;
  readonly inbox: Inbox;
  readonly notifications: NotificationRepository;
  readonly summaries: OrderSummaryRepository;
  readonly sender: NotificationSender;
  readonly ports: MaintenancePorts;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Connection, prefix, concurrency, lock and stall settings, shared by every queue's worker. */
  readonly worker: Omit<WorkerOptions, 'logger'>;
}

/**
 * Starts one worker per queue, each dispatching on the job name to its use case. Resolves once
 * all take jobs; if one cannot start, those already started are closed again.
 */
export async function startConsumers(deps: ConsumerDeps): Promise<QueueWorker[]> {
  const { jobs, logger } = deps;
  const options = (queue: string): WorkerOptions => ({
    ...deps.worker,
    logger: logger.child({ queue }),
  });
  const started: QueueWorker[] = [];
  try {
    started.push(
      await createWorker(
        jobs.sendOrderConfirmation,
        traced(jobs.sendOrderConfirmation.queue, (job) =>
          sendOrderConfirmation(deps, {
            eventId: job.id,
            event: job.payload.data,
            signal: job.signal,
          }),
        ),
        options(jobs.sendOrderConfirmation.queue),
      ),
    );
    started.push(
      await createWorker(
        [jobs.projectOrderPlaced, jobs.projectOrderCancelled],
        traced(jobs.projectOrderPlaced.queue, async (job) => {
          switch (job.name) {
            case 'project-order-placed':
              return projectOrderPlaced(deps, job.id, job.payload.data, occurredAt(job.payload));
            case 'project-order-cancelled':
              return projectOrderCancelled(deps, job.id, job.payload.data, occurredAt(job.payload));
          }
        }),
        options(jobs.projectOrderPlaced.queue),
      ),
    );
    started.push(
      await createWorker(
        [
          jobs.expireUnconfirmedOrders,
          jobs.rotateSigningKeys,
          jobs.purgeIdempotencyKeys,
          jobs.runOrderExport,
        ],
        traced(jobs.expireUnconfirmedOrders.queue, async (job) => {
          const { now, ports } = deps;
          switch (job.name) {
            case 'expire-unconfirmed-orders': {
              const orders = connected(ports.unconfirmedOrders, job.name);
              const expired = await expireUnconfirmedOrders(
                { orders, now },
                job.payload,
                job.signal,
              );
              logger.info({ job: job.name, expired }, 'unconfirmed orders expired');
              return;
            }
            case 'rotate-signing-keys': {
              const keys = connected(ports.signingKeys, job.name);
              const outcome = await rotateSigningKeys({ keys });
              logger.info({ job: job.name, ...outcome }, 'signing keys checked for rotation');
              return;
            }
            case 'purge-idempotency-keys': {
              const keys = connected(ports.idempotencyKeys, job.name);
              const purged = await purgeIdempotencyKeys({ keys, now }, job.payload, job.signal);
              logger.info({ job: job.name, purged }, 'expired idempotency keys purged');
              return;
            }
            case 'run-order-export': {
              const exports = connected(ports.orderExports, job.name);
              const { data } = job.payload;
              const outcome = await runOrderExport({ inbox: deps.inbox, exports }, job.id, data);
              logger.info(
                { job: job.name, exportId: data.exportId, ...(outcome ?? { ran: false }) },
                'order export run',
              );
              return;
            }
          }
        }),
        options(jobs.expireUnconfirmedOrders.queue),
      ),
    );
  } catch (error) {
    await Promise.allSettled(started.map((worker) => worker.close()));
    throw error;
  }
  return started;
}

/**
 * Runs each job in a consumer span, the child of the span that enqueued it: for events, the
 * request that wrote the outbox row, whose `traceparent` the relay carried over. A no-op while
 * tracing is off.
 */
function traced<D extends JobDefinition>(queue: string, handle: JobHandler<D>): JobHandler<D> {
  return (job) => traceJob({ ...job, queue }, () => handle(job));
}

function occurredAt(payload: { readonly occurredAt: string }): Date {
  return new Date(payload.occurredAt);
}

/** A job left in the queue from when its adapter was configured fails for good, saying why. */
function connected<T>(port: T | undefined, job: string): T {
  if (port === undefined) {
    throw new UnrecoverableError(
      `${job}: no adapter is configured for this job; it is not scheduled`,
    );
  }
  return port;
}
