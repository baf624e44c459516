import type { AppError } from '@groundwork/errors';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import pg from 'pg';
import { dbErrors } from './db-errors.ts';
import { describeServer, toPgConnection } from './postgres-url.ts';

export interface DatabaseClientOptions {
  /** A `postgresql://` URL; Prisma's `?schema=` is honoured. */
  readonly url: string;
  /** Where `url` came from, named in startup errors. Default `DATABASE_URL`. */
  readonly urlVariable?: string;
  /** Connections in the pool. Default 10. */
  readonly poolSize?: number;
  /**
   * How long to wait for a connection: to open one, or for one to free up when all are busy.
   * An exhausted pool then fails fast (mapped to DB_UNAVAILABLE, a 503) instead of queueing
   * requests without bound. Default 5000.
   */
  readonly connectionTimeoutMs?: number;
  /** Close connections idle this long. Default 10000. */
  readonly idleTimeoutMs?: number;
  /** Server-side limit per statement (`statement_timeout`); 0 disables. Default 10000. */
  readonly statementTimeoutMs?: number;
  /** Shown in `pg_stat_activity.application_name`, e.g. the service name. */
  readonly applicationName?: string;
  /** Errors of idle pooled connections (e.g. the server restarted); log them. */
  readonly onPoolError?: (error: Error) => void;
}

/** What `new PrismaClient(...)` of any generated client accepts and returns. */
export type PrismaClientClass<Client> = new (options: {
  adapter: SqlDriverAdapterFactory;
}) => Client;

export interface DatabaseClient<Client> {
  /** The service's own generated PrismaClient, on the pool below. */
  readonly prisma: Client;
  readonly pool: pg.Pool;
  /** For the service kit's `addReadinessCheck`: passes when a pooled connection answers. */
  readonly readinessCheck: { readonly name: 'postgres'; check(signal: AbortSignal): Promise<void> };
  /**
   * Resolves once PostgreSQL answers; otherwise rejects with DB_UNAVAILABLE naming the variable
   * and the server (never the password). Call it at boot to fail fast on a wrong URL.
   */
  verifyConnection(): Promise<void>;
  /** Disconnects Prisma and closes the pool; call it on shutdown. */
  disconnect(): Promise<void>;
}

const DEFAULTS = {
  urlVariable: 'DATABASE_URL',
  poolSize: 10,
  connectionTimeoutMs: 5_000,
  idleTimeoutMs: 10_000,
  statementTimeoutMs: 10_000,
};

/**
 * Builds a service's PrismaClient on `@prisma/adapter-pg` with a bounded pool, connection and
 * statement timeouts, a readiness check and a clean shutdown. No I/O happens until first use.
 *
 * @example
 * import { PrismaClient } from './generated/prisma/client.ts';
 *
 * const db = createDatabaseClient(PrismaClient, {
 *   url: config.DATABASE_URL,
 *   applicationName: 'orders',
 * });
 * await db.verifyConnection();
 * app.addReadinessCheck(db.readinessCheck);
 * onShutdown(() => db.disconnect());
 * const products = await db.prisma.product.findMany();
 */
export function createDatabaseClient<Client extends { $disconnect(): Promise<void> }>(
  PrismaClient: PrismaClientClass<Client>,
  options: DatabaseClientOptions,
): DatabaseClient<Client> {
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const { connectionString, schema } = parseUrl(options.url, settings.urlVariable);
  const pool = new pg.Pool({
    connectionString,
    max: settings.poolSize,
    connectionTimeoutMillis: settings.connectionTimeoutMs,
    idleTimeoutMillis: settings.idleTimeoutMs,
    ...(settings.statementTimeoutMs > 0 ? { statement_timeout: settings.statementTimeoutMs } : {}),
    ...(options.applicationName ? { application_name: options.applicationName } : {}),
  });
  const adapter = new PrismaPg(pool, {
    schema,
    disposeExternalPool: true,
    ...(options.onPoolError ? { onPoolError: options.onPoolError } : {}),
  });
  const prisma = new PrismaClient({ adapter });
  const server = describeServer(options.url);

  return {
    prisma,
    pool,
    readinessCheck: {
      name: 'postgres',
      async check() {
        await pool.query('SELECT 1');
      },
    },
    async verifyConnection() {
      try {
        await pool.query('SELECT 1');
      } catch (error) {
        throw unreachable(settings.urlVariable, server, error);
      }
    },
    async disconnect() {
      // Prisma disposes the adapter, which ends the pool (disposeExternalPool).
      await prisma.$disconnect();
      if (!pool.ended) await pool.end();
    },
  };
}

function parseUrl(url: string, variable: string) {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch (error) {
    // The URL may hold a password: say what is wrong, never echo it.
    throw dbErrors.DB_MISCONFIGURED.create(`${variable} is not a valid URL.`, { cause: error });
  }
  if (protocol !== 'postgresql:' && protocol !== 'postgres:') {
    throw dbErrors.DB_MISCONFIGURED.create(`${variable} must start with postgresql://.`);
  }
  const { connectionString, schema } = toPgConnection(url);
  return { connectionString, schema };
}

function unreachable(variable: string, server: string, error: unknown): AppError {
  const reason = (error as { code?: string }).code ?? (error as Error).message;
  return dbErrors.DB_UNAVAILABLE.create(
    `${variable}: cannot reach PostgreSQL at ${server} (${reason}).`,
    { cause: error },
  );
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
