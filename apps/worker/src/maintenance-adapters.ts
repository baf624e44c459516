import type { Logger } from '@groundwork/logger';
import { maintenanceJobs, type WorkerConfig } from './config.ts';
import type { MaintenancePorts } from './consumers.ts';

export interface MaintenanceAdapters {
  readonly ports: MaintenancePorts;
  close(): Promise<void>;
}

/**
 * The adapters of the jobs `MAINTENANCE_JOBS` turns on, each calling the service that owns the
 * rows through that service's own export: orders' maintenance (expiry, idempotency keys, order
 * exports) and identity's key rotation. Settings are read and databases reached here, at boot, so
 * a misconfigured job stops the worker from starting instead of failing at 3 a.m.
 *
 * @param env The environment identity's settings are read from (its `SIGNING_KEY_*`), with
 *   `IDENTITY_DATABASE_URL` as its database.
 */
export async function openMaintenanceAdapters(
  config: WorkerConfig,
  env: Readonly<Record<string, string | undefined>>,
  logger: Logger,
): Promise<MaintenanceAdapters> {
  const jobs = maintenanceJobs(config);
  const ports: { -readonly [Port in keyof MaintenancePorts]: MaintenancePorts[Port] } = {};
  const closers: (() => Promise<void>)[] = [];

  // Loaded only when a job needs them: identity's side brings its whole app (argon2 included),
  // which a worker running no rotation should not pay for at every start.
  if (
    jobs.has('expire-unconfirmed-orders') ||
    jobs.has('purge-idempotency-keys') ||
    jobs.has('run-order-export')
  ) {
    const { openOrdersMaintenance } = await import('@groundwork/orders/maintenance');
    const orders = await openOrdersMaintenance({
      env: { DATABASE_URL: config.ORDERS_DATABASE_URL, REDIS_URL: config.REDIS_URL },
      logger: logger.child({ adapter: 'orders' }),
    });
    closers.push(() => orders.close());
    if (jobs.has('expire-unconfirmed-orders')) {
      ports.unconfirmedOrders = {
        expire: (placedBefore, limit) => orders.expireUnconfirmedOrders(placedBefore, limit),
      };
    }
    if (jobs.has('purge-idempotency-keys')) {
      ports.idempotencyKeys = {
        purgeExpired: (now, limit) => orders.purgeExpiredIdempotencyKeys(now, limit),
      };
    }
    if (jobs.has('run-order-export')) {
      ports.orderExports = { run: (exportId, orgId) => orders.runOrderExport(exportId, orgId) };
    }
  }

  if (jobs.has('rotate-signing-keys')) {
    const { loadIdentityConfig, runKeyRotationJob } = await import(
      '@groundwork/identity/key-rotation-job'
    );
    const identity = loadIdentityConfig({ ...env, DATABASE_URL: config.IDENTITY_DATABASE_URL });
    const identityLogger = logger.child({ adapter: 'identity' });
    ports.signingKeys = {
      async rotateIfDue() {
        // Opens and closes its own connection: a step a day needs no pool held open.
        const report = await runKeyRotationJob({
          mode: 'if-due',
          config: identity,
          logger: identityLogger,
        });
        return { rotated: report.rotated !== null, activeKeyId: report.activeKid };
      },
    };
  }

  return {
    ports,
    async close() {
      await Promise.all(closers.map((close) => close()));
    },
  };
}
