import type { DatabaseClientOptions } from '@groundwork/db';
import type { IdentityConfig } from '../config.ts';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';

/** The root client or an interactive transaction's: repositories work on either. */
export type Db = PrismaClient | Prisma.TransactionClient;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * True for a value a uuid column can hold. A token's `sub` is a user id or a service client id
 * (`svc_...`): queried against a uuid column, the latter would make PostgreSQL raise an error
 * instead of finding nothing.
 */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The pool as config sizes and bounds it, for main.ts and the tests alike: a test that sets
 * DATABASE_POOL_SIZE=1 exercises the very wiring production runs. Slow statements are logged
 * only where a `logger` is added (main.ts).
 */
export function databaseOptionsOf(
  config: Pick<
    IdentityConfig,
    | 'DATABASE_URL'
    | 'DATABASE_POOL_SIZE'
    | 'DATABASE_CONNECTION_TIMEOUT_MS'
    | 'DATABASE_SLOW_QUERY_MS'
  >,
): DatabaseClientOptions {
  return {
    url: config.DATABASE_URL,
    poolSize: config.DATABASE_POOL_SIZE,
    connectionTimeoutMs: config.DATABASE_CONNECTION_TIMEOUT_MS,
    slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
    applicationName: 'identity',
  };
}
