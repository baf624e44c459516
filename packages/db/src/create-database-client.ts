import type { AppError } from '@groundwork/errors';
import { defaultMetricsRegistry, type MetricsRegistry } from '@groundwork/telemetry';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { readReplicas } from '@prisma/extension-read-replicas';
import pg from 'pg';
import { dbErrors } from './db-errors.ts';
import { observePoolUsage } from './pool-metrics.ts';
import { describeServer, toPgConnection } from './postgres-url.ts';
import { type SlowQueryLogger, slowQueryLoggingClient } from './slow-query-log.ts';

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
  /**
   * Errors of idle pooled connections (e.g. the server restarted); log them. The pool drops such
   * a connection by itself; without this option the error is only swallowed, never thrown.
   */
  readonly onPoolError?: (error: Error) => void;
  /**
   * Read replicas (`DATABASE_REPLICA_URLS`). When given, `prisma` sends reads outside
   * transactions to a random replica and everything else to the primary; `primary` always
   * uses the primary, for reads that must see the caller's own writes. Same pool settings.
   */
  readonly replicaUrls?: readonly string[];
  /**
   * Where the pools' usage is published (`db_pool_connections{pool,state}`,
   * `db_pool_max_connections`, `db_pool_pending_requests`; see `observePoolUsage`), labelled
   * `pool="<applicationName>"` and `"<applicationName>-replica-<n>"`. Default the process's
   * `defaultMetricsRegistry()`, which the service kit serves at `/metrics`.
   */
  readonly metrics?: MetricsRegistry;
  /**
   * Statements that take at least this many ms are written to `logger` as one `warn` line each
   * (`slow query`: `sql` without its values, `durationMs`, `pool`; see `slowQueryLoggingClient`).
   * 0 turns the log off. Default 200 (`DATABASE_SLOW_QUERY_MS`).
   */
  readonly slowQueryMs?: number;
  /** Where slow statements are logged (pino's `Logger` fits); without it they are not. */
  readonly logger?: SlowQueryLogger;
}

/** What `new PrismaClient(...)` of any generated client accepts and returns. */
export type PrismaClientClass<Client> = new (options: {
  adapter: SqlDriverAdapterFactory;
}) => Client;

export interface DatabaseClient<Client> {
  /** The service's own generated PrismaClient; reads go to replicas when there are any. */
  readonly prisma: Client;
  /** The same client bound to the primary only: read-your-writes paths use it. */
  readonly primary: Client;
  /** The primary's pool. */
  readonly pool: pg.Pool;
  readonly replicaPools: readonly pg.Pool[];
  /** For the service kit's `addReadinessCheck`: passes when the primary and every replica answer. */
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
  slowQueryMs: 200,
};

/**
 * Builds a service's PrismaClient on `@prisma/adapter-pg` with a bounded pool, connection and
 * statement timeouts, optional read replicas, a slow-query log, a readiness check and a clean
 * shutdown. No I/O happens until first use.
 *
 * @example
 * import { PrismaClient } from './generated/prisma/client.ts';
 *
 * const db = createDatabaseClient(PrismaClient, {
 *   url: config.DATABASE_URL,
 *   replicaUrls: config.DATABASE_REPLICA_URLS,
 *   applicationName: 'orders',
 *   slowQueryMs: config.DATABASE_SLOW_QUERY_MS,
 *   logger,
 * });
 * await db.verifyConnection();
 * app.addReadinessCheck(db.readinessCheck);
 * onShutdown(() => db.disconnect());
 * const products = await db.prisma.product.findMany(); // a replica, if any
 * const mine = await db.primary.order.findUnique({ where: { id } }); // read-your-writes
 */
export function createDatabaseClient<Client extends { $disconnect(): Promise<void> }>(
  PrismaClient: PrismaClientClass<Client>,
  options: DatabaseClientOptions,
): DatabaseClient<Client> {
  const settings = { ...DEFAULTS, ...withoutUndefined(options) };
  const poolName = options.applicationName || 'default';
  const { logger } = options;
  const connect = (url: string, variable: string, name: string) => {
    const { connectionString, schema } = parseUrl(url, variable);
    const pool = new pg.Pool({
      ...(logger && settings.slowQueryMs > 0
        ? {
            Client: slowQueryLoggingClient({
              thresholdMs: settings.slowQueryMs,
              logger,
              pool: name,
            }),
          }
        : {}),
      connectionString,
      max: settings.poolSize,
      connectionTimeoutMillis: settings.connectionTimeoutMs,
      idleTimeoutMillis: settings.idleTimeoutMs,
      ...(settings.statementTimeoutMs > 0
        ? { statement_timeout: settings.statementTimeoutMs }
        : {}),
      ...(options.applicationName ? { application_name: options.applicationName } : {}),
    });
    // On the pool from its birth, not through the adapter, which listens only from the first
    // Prisma query: before it, a readiness probe's idle connection that fails (a restart, a
    // failover, a dropped database) would be an uncaught error that ends the process.
    pool.on('error', (error) => options.onPoolError?.(error));
    const adapter = new PrismaPg(pool, { schema, disposeExternalPool: true });
    const client = new PrismaClient({ adapter });
    return { pool, client, server: describeServer(url), variable, name };
  };

  const primary = connect(options.url, settings.urlVariable, poolName);
  const replicas = (options.replicaUrls ?? []).map((url, i) =>
    connect(url, `DATABASE_REPLICA_URLS[${i}]`, `${poolName}-replica-${i}`),
  );
  const prisma =
    replicas.length === 0
      ? primary.client
      : ((primary.client as unknown as Extendable).$extends(
          readReplicas({ replicas: replicas.map((r) => r.client as never) }),
        ) as Client);
  const all = [primary, ...replicas];
  const stopMetrics = observePoolUsage(
    options.metrics ?? defaultMetricsRegistry(),
    all.map(({ name, pool }) => ({ name, pool })),
  );

  return {
    prisma,
    primary: primary.client,
    pool: primary.pool,
    replicaPools: replicas.map((r) => r.pool),
    readinessCheck: {
      name: 'postgres',
      async check() {
        await Promise.all(all.map(({ pool }) => pool.query('SELECT 1')));
      },
    },
    async verifyConnection() {
      for (const { pool, variable, server } of all) {
        try {
          await pool.query('SELECT 1');
        } catch (error) {
          throw unreachable(variable, server, error);
        }
      }
    },
    async disconnect() {
      stopMetrics();
      // Prisma disposes each adapter, which ends its pool (disposeExternalPool).
      for (const { client, pool } of all) {
        await client.$disconnect();
        if (!pool.ended) await pool.end();
      }
    },
  };
}

/** The one method of a Prisma client the replica extension needs. */
interface Extendable {
  $extends(extension: unknown): unknown;
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
