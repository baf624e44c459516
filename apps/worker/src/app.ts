import { createLogger, type Logger } from '@groundwork/logger';
import {
  assertNoEviction,
  createProducer,
  createQueueConnection,
  type JobDefinition,
} from '@groundwork/queue';
import { createService, type Service, serviceOptionsFromEnv } from '@groundwork/service-kit';
import { defaultMetricsRegistry, type MetricsRegistry } from '@groundwork/telemetry';
import { outboxSources, type WorkerConfig } from './config.ts';
import { type MaintenancePorts, startConsumers } from './consumers.ts';
import { createInbox } from './data/inbox.ts';
import { createNotificationRepository } from './data/notification-repository.ts';
import { createOrderSummaryRepository } from './data/order-summary-repository.ts';
import { createOutboxSource, type OutboxSource } from './data/outbox-source.ts';
import { createWorkerDatabase } from './data/worker-database.ts';
import { defineWorkerJobs, eventRoutes, QUEUES, type WorkerJobs } from './jobs.ts';
import { openMaintenanceAdapters } from './maintenance-adapters.ts';
import { createLogNotificationSender } from './notifications/log-notification-sender.ts';
import type { NotificationSender } from './notifications/notification-sender.ts';
import { createWebhookNotificationSender } from './notifications/webhook-notification-sender.ts';
import { startOutboxRelay } from './outbox-relay.ts';
import { applySchedules, type Schedule } from './schedules.ts';
import { observeWorkerMetrics } from './worker-metrics.ts';

export interface WorkerDeps {
  readonly config: WorkerConfig;
  /** Default: the kit's JSON logger at `LOG_LEVEL`. */
  readonly logger?: Logger;
  /** Default: the channel `NOTIFICATION_CHANNEL` names. */
  readonly notificationSender?: NotificationSender;
  /**
   * Adapters of the scheduled jobs. Default: those of `MAINTENANCE_JOBS`, to orders and identity
   * (src/maintenance-adapters.ts). A job without its adapter is not scheduled.
   */
  readonly ports?: MaintenancePorts;
  /** Where identity's settings for its key rotation are read. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock of the scheduled jobs. */
  readonly now?: () => Date;
  /** Served at `/metrics`, with the queue and outbox gauges. Default: the process's registry. */
  readonly metrics?: MetricsRegistry;
}

/**
 * The worker, wired by hand: the kit's service for `/health/*`, then, in this order, the Redis
 * check, the worker database, one consumer per queue, the job schedulers and one outbox relay
 * per service database. Resolves once everything runs; refuses to start (and closes what it
 * opened) when Redis may evict keys or a database cannot be reached. On close (SIGTERM through
 * `startService`) the relays stop first, then the consumers finish or put back their jobs, then
 * the connections close.
 */
export async function buildApp(deps: WorkerDeps): Promise<Service> {
  const { config } = deps;
  const logger = deps.logger ?? createLogger({ service: 'worker', level: config.LOG_LEVEL });
  const metrics = deps.metrics ?? defaultMetricsRegistry();
  const app = await createService({
    name: 'worker',
    description: 'Background work: outbox relay, event consumers and scheduled jobs.',
    ...serviceOptionsFromEnv(config),
    logger,
    metrics,
    // The worker serves probes only: no API to document.
    docs: false,
  });

  // Closed in reverse order of opening, on shutdown or when starting fails half-way.
  const opened: { readonly name: string; close(): Promise<unknown> }[] = [];
  const closeAll = async () => {
    for (const { name, close } of opened.splice(0).reverse()) {
      await close().catch((error: unknown) => logger.error({ err: error, name }, 'close failed'));
    }
  };

  try {
    const where = {
      connection: createQueueConnection(config.REDIS_URL),
      prefix: config.QUEUE_PREFIX,
    };
    opened.push({ name: 'redis', close: () => where.connection.quit() });
    where.connection.on('error', (error) => logger.warn({ err: error }, 'redis connection error'));
    // Before anything touches a queue: an evicting Redis loses jobs and locks without a trace.
    await assertNoEviction(where.connection);
    app.addReadinessCheck({
      name: 'redis',
      check: async () => void (await where.connection.ping()),
    });

    const database = createWorkerDatabase({
      url: config.DATABASE_URL,
      poolSize: config.DATABASE_POOL_SIZE,
      onPoolError: (error) => logger.warn({ err: error }, 'worker database pool error'),
      slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
      logger,
    });
    opened.push({ name: 'database', close: () => database.disconnect() });
    await database.verifyConnection();
    app.addReadinessCheck(database.readinessCheck);

    const jobs = defineWorkerJobs({
      attempts: config.JOB_ATTEMPTS,
      backoff: {
        initialDelayMs: config.JOB_BACKOFF_INITIAL_MS,
        maxDelayMs: config.JOB_BACKOFF_MAX_MS,
      },
    });
    let ports = deps.ports;
    if (ports === undefined) {
      const adapters = await openMaintenanceAdapters(config, deps.env ?? process.env, logger);
      opened.push({ name: 'maintenance adapters', close: () => adapters.close() });
      ports = adapters.ports;
    }
    const consumers = await startConsumers({
      jobs,
      inbox: createInbox(database.primary),
      notifications: createNotificationRepository(database.primary),
      summaries: createOrderSummaryRepository(),
      sender: deps.notificationSender ?? notificationSender(config, logger),
      ports,
      now: deps.now ?? (() => new Date()),
      logger,
      worker: {
        ...where,
        concurrency: config.JOB_CONCURRENCY,
        lockDurationMs: config.JOB_LOCK_DURATION_MS,
        stalledIntervalMs: config.JOB_STALLED_INTERVAL_MS,
        maxStalledCount: config.JOB_MAX_STALLED_COUNT,
        // Checked once above, on the same server.
        checkEviction: false,
      },
    });
    opened.push({
      name: 'consumers',
      close: () =>
        Promise.all(
          consumers.map((worker) => worker.close({ timeoutMs: config.JOB_SHUTDOWN_TIMEOUT_MS })),
        ),
    });

    const maintenance = [
      jobs.expireUnconfirmedOrders,
      jobs.rotateSigningKeys,
      jobs.purgeIdempotencyKeys,
    ];
    const schedules = maintenanceSchedules(config, jobs, ports);
    await applySchedules(where, maintenance, schedules);
    const off = maintenance.filter((job: JobDefinition) => !schedules.some((s) => s.job === job));
    if (off.length > 0) {
      logger.info({ jobs: off.map((job) => job.name) }, 'scheduled jobs off (MAINTENANCE_JOBS)');
    }

    // The relay's producer fails fast: a batch must not hold its transaction open while Redis is away.
    const relayConnection = createQueueConnection(config.REDIS_URL, { failFast: true });
    opened.push({ name: 'relay redis', close: () => relayConnection.quit() });
    relayConnection.on('error', (error) =>
      logger.warn({ err: error }, 'relay redis connection error'),
    );
    const producer = createProducer({
      connection: relayConnection,
      prefix: config.QUEUE_PREFIX,
      logger,
    });
    opened.push({ name: 'relay producer', close: () => producer.close() });
    const routes = eventRoutes(jobs);
    const sources: OutboxSource[] = [];
    for (const { name, url } of outboxSources(config)) {
      const source = createOutboxSource({
        name,
        url,
        onPoolError: (error) => logger.warn({ err: error, outbox: name }, 'outbox pool error'),
      });
      opened.push({ name: `outbox ${name}`, close: () => source.close() });
      sources.push(source);
      app.addReadinessCheck(source.readinessCheck);
      const relay = await startOutboxRelay({
        source,
        producer,
        routes,
        batchSize: config.OUTBOX_BATCH_SIZE,
        pollIntervalMs: config.OUTBOX_POLL_INTERVAL_MS,
        logger,
      });
      opened.push({ name: `relay ${name}`, close: () => relay.stop() });
    }

    const gauges = observeWorkerMetrics({
      registry: metrics,
      where,
      queues: Object.values(QUEUES),
      sources,
    });
    opened.push({ name: 'metrics', close: () => gauges.stop() });
  } catch (error) {
    await closeAll();
    await app.close();
    throw error;
  }

  app.addHook('onClose', closeAll);
  return app;
}

function notificationSender(config: WorkerConfig, logger: Logger): NotificationSender {
  if (config.NOTIFICATION_CHANNEL === 'webhook' && config.NOTIFICATION_WEBHOOK_URL !== undefined) {
    return createWebhookNotificationSender({
      url: config.NOTIFICATION_WEBHOOK_URL,
      secret: config.NOTIFICATION_WEBHOOK_SECRET,
      timeoutMs: config.NOTIFICATION_WEBHOOK_TIMEOUT_MS,
    });
  }
  return createLogNotificationSender(logger);
}

/** The schedules of the maintenance jobs whose adapter is there. */
function maintenanceSchedules(
  config: WorkerConfig,
  jobs: WorkerJobs,
  ports: MaintenancePorts,
): Schedule[] {
  const cron = (pattern: string) => ({ pattern, tz: config.SCHEDULE_TIMEZONE });
  const schedules: Schedule[] = [];
  if (ports.unconfirmedOrders !== undefined) {
    schedules.push({
      job: jobs.expireUnconfirmedOrders,
      repeat: cron(config.EXPIRE_UNCONFIRMED_ORDERS_SCHEDULE),
      payload: {
        unconfirmedForMinutes: config.ORDER_CONFIRMATION_TIMEOUT_MINUTES,
        batchSize: config.MAINTENANCE_BATCH_SIZE,
      },
    });
  }
  if (ports.signingKeys !== undefined) {
    schedules.push({
      job: jobs.rotateSigningKeys,
      repeat: cron(config.ROTATE_SIGNING_KEYS_SCHEDULE),
      payload: {},
    });
  }
  if (ports.idempotencyKeys !== undefined) {
    schedules.push({
      job: jobs.purgeIdempotencyKeys,
      repeat: cron(config.PURGE_IDEMPOTENCY_KEYS_SCHEDULE),
      payload: { batchSize: config.MAINTENANCE_BATCH_SIZE },
    });
  }
  return schedules;
}
