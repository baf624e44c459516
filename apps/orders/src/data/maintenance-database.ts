import {
  checkRowLevelSecurity,
  createDatabaseClient,
  type DatabaseClient,
  toDomainError,
  withSessionRole,
} from '@groundwork/db';
import type { Logger } from '@groundwork/logger';
import { PrismaClient } from '../generated/prisma/client.ts';
import type { MaintenanceStore } from '../use-cases/ports.ts';

/** The role of the maintenance migration: sees pending orders and expired idempotency keys only. */
export const MAINTENANCE_ROLE = 'orders_maintenance';

export interface MaintenanceDatabase extends MaintenanceStore {
  readonly database: DatabaseClient<PrismaClient>;
  /** Fails unless PostgreSQL answers and the role is bound by row-level security. */
  verify(): Promise<void>;
}

/**
 * The cross-tenant side of the scheduled maintenance, connected as `orders_maintenance`. Row-level
 * security still binds it: its own policies let it see pending orders and expired keys of every
 * tenant, and nothing else, so a bug here cannot read an order's lines or a stored response.
 */
export function createMaintenanceDatabase(options: {
  readonly url: string;
  readonly logger: Logger;
}): MaintenanceDatabase {
  const database = createDatabaseClient(PrismaClient, {
    url: withSessionRole(options.url, MAINTENANCE_ROLE),
    poolSize: 1,
    applicationName: 'orders-maintenance',
    onPoolError: (error) => options.logger.warn({ err: error }, 'idle database connection failed'),
  });
  const prisma = database.primary;
  return {
    database,
    async verify() {
      await database.verifyConnection();
      await checkRowLevelSecurity(database.pool);
    },
    overdueOrders: (placedBefore, limit) =>
      translated(() =>
        prisma.order.findMany({
          where: { status: 'pending', createdAt: { lt: placedBefore } },
          select: { id: true, orgId: true },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
          take: limit,
        }),
      ),
    // Plain DELETE, no SKIP LOCKED (the role may not lock rows): a key a concurrent purge or a
    // retry of its request already deleted is simply not counted.
    purgeExpiredIdempotencyKeys: (now, limit) =>
      translated(
        () => prisma.$executeRaw`
          DELETE FROM "idempotency_keys" WHERE ("orgId", "key") IN (
            SELECT "orgId", "key" FROM "idempotency_keys"
             WHERE "expiresAt" < ${now} ORDER BY "expiresAt" LIMIT ${limit})`,
      ),
  };
}

async function translated<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw toDomainError(error);
  }
}
