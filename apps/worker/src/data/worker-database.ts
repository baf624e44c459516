import { createDatabaseClient, type DatabaseClient, type SlowQueryLogger } from '@groundwork/db';
import { type Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The worker's own database, `groundwork_worker`. */
export type WorkerDatabase = DatabaseClient<PrismaClient>;

/** An interactive transaction's client: effects and their inbox rows are written through it. */
export type WorkerTransaction = Prisma.TransactionClient;

export interface WorkerDatabaseOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly onPoolError?: (error: Error) => void;
  /** Statements at least this slow are logged to `logger` (DATABASE_SLOW_QUERY_MS); 0: off. */
  readonly slowQueryMs?: number;
  readonly logger?: SlowQueryLogger;
}

/** The worker's Prisma client on a bounded pool; see `createDatabaseClient` for the settings. */
export function createWorkerDatabase(options: WorkerDatabaseOptions): WorkerDatabase {
  return createDatabaseClient(PrismaClient, {
    url: options.url,
    applicationName: 'worker',
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    ...(options.onPoolError === undefined ? {} : { onPoolError: options.onPoolError }),
    ...(options.slowQueryMs === undefined ? {} : { slowQueryMs: options.slowQueryMs }),
    ...(options.logger === undefined ? {} : { logger: options.logger }),
  });
}
