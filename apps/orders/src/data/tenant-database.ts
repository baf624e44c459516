import {
  checkRowLevelSecurity,
  createDatabaseClient,
  type DatabaseClient,
  withSessionRole,
  withTenancy,
} from '@groundwork/db';
import type { Logger } from '@groundwork/logger';
import { PrismaClient } from '../generated/prisma/client.ts';
import { currentOrgId } from './current-org.ts';

export type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/**
 * The tenant-owned models and the field holding their tenant. The outbox is not among them: its
 * rows are the service's, and the service may only append to it.
 */
export const TENANT_MODELS = {
  Product: 'orgId',
  Order: 'orgId',
  OrderLine: 'orgId',
  IdempotencyKey: 'orgId',
  OrderExport: 'orgId',
} as const;

export interface TenantDatabaseOptions {
  readonly url: string;
  /** The role without BYPASSRLS that every connection switches to (DATABASE_ROLE). */
  readonly role: string;
  readonly poolSize: number;
  /** Where idle connection errors and slow statements are logged. */
  readonly logger: Logger;
  /** Statements at least this slow are logged (DATABASE_SLOW_QUERY_MS); 0: off. Default 200. */
  readonly slowQueryMs?: number;
  /** Names the connections in pg_stat_activity. Default `orders`. */
  readonly applicationName?: string;
}

export interface TenantDatabase {
  /** The pool, readiness check and shutdown; its `prisma` is not scoped: use `prisma` below. */
  readonly database: DatabaseClient<PrismaClient>;
  /** Every query scoped to the current request's organization, by WHERE and by row-level security. */
  readonly prisma: PrismaClient;
  /** Fails unless PostgreSQL answers and row-level security binds the connections. Run it at boot. */
  verify(): Promise<void>;
}

/** The service's database, connected as its role and guarded by the tenancy extension. */
export function createTenantDatabase(options: TenantDatabaseOptions): TenantDatabase {
  const database = createDatabaseClient(PrismaClient, {
    url: withSessionRole(options.url, options.role),
    poolSize: options.poolSize,
    applicationName: options.applicationName ?? 'orders',
    onPoolError: (error) => options.logger.warn({ err: error }, 'idle database connection failed'),
    logger: options.logger,
    ...(options.slowQueryMs === undefined ? {} : { slowQueryMs: options.slowQueryMs }),
  });
  return {
    database,
    prisma: withTenancy(database.prisma, { tenant: currentOrgId, models: TENANT_MODELS }),
    async verify() {
      await database.verifyConnection();
      await checkRowLevelSecurity(database.pool);
    },
  };
}
