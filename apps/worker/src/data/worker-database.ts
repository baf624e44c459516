import { createDatabaseClient, type DatabaseClient } from '@groundwork/db';
import { type Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The worker's own database, `groundwork_worker`. */
export type WorkerDatabase = DatabaseClient<PrismaClient>;

/** An interactive transaction's client: effects and their inbox rows are written through it. */
export type WorkerTransaction = Prisma.TransactionClient;

export interface WorkerDatabaseOptions {
  readonly url: string;
  readonly poolSize?: number;
  readonly onPoolError?: (error: Error) => void;
}

/** The worker's Prisma client on a bounded pool; see `createDatabaseClient` for the settings. */
export function createWorkerDatabase(options: WorkerDatabaseOptions): WorkerDatabase {
  return createDatabaseClient(PrismaClient, {
    url: options.url,
    applicationName: 'worker',
    ...(options.poolSize === undefined ? {} : { poolSize: options.poolSize }),
    ...(options.onPoolError === undefined ? {} : { onPoolError: options.onPoolError }),
  });
}
