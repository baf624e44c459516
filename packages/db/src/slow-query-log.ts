import pg from 'pg';

/** Where slow statements are written: pino's `Logger` is one. */
export interface SlowQueryLogger {
  warn(fields: object, message: string): void;
}

export interface SlowQueryLogOptions {
  /** Statements that take at least this many ms are logged; must be positive. */
  readonly thresholdMs: number;
  readonly logger: SlowQueryLogger;
  /** Names the pool in each line (`pool`): the application name, `-replica-<n>` for replicas. */
  readonly pool: string;
}

/** Longest SQL text a line carries: a bulk insert's statement can run to megabytes. */
const MAX_SQL_LENGTH = 2_000;

type QueryCallback = (error: Error | null, result?: { rowCount?: number | null }) => void;

/**
 * A `pg.Client` class, for `new pg.Pool({ Client })`, that writes one `warn` line for each
 * statement taking at least `thresholdMs`: `sql` (the text with its `$1` placeholders, never the
 * values, which may carry personal data), `durationMs`, `pool` and `rows` (or `failed`). Every
 * statement of the pool passes through it: Prisma's, those of its transactions, raw `pool.query`.
 * The time runs from the statement's turn on its connection to its result, so waiting for a free
 * connection is not counted (the pool metrics show that). A fast statement costs two clock reads
 * and a comparison; the line is built only for a slow one.
 *
 * @example
 * const pool = new pg.Pool({
 *   connectionString,
 *   Client: slowQueryLoggingClient({ thresholdMs: 200, logger, pool: 'orders' }),
 * });
 * await pool.query('SELECT pg_sleep($1)', [0.5]);
 * // {"level":"warn","pool":"orders","sql":"SELECT pg_sleep($1)","durationMs":502,"rows":1,"msg":"slow query"}
 */
export function slowQueryLoggingClient(options: SlowQueryLogOptions): typeof pg.Client {
  const { thresholdMs, logger, pool } = options;
  if (!(thresholdMs > 0)) throw new RangeError('slow query threshold must be positive');

  const report = (config: unknown, startedAt: number, error: unknown, rowCount: unknown) => {
    const durationMs = performance.now() - startedAt;
    if (durationMs < thresholdMs) return;
    const text = typeof config === 'string' ? config : String((config as { text?: unknown }).text);
    logger.warn(
      {
        pool,
        sql: text.length > MAX_SQL_LENGTH ? `${text.slice(0, MAX_SQL_LENGTH)}…` : text,
        durationMs: Math.round(durationMs),
        ...(error ? { failed: true } : { rows: rowCount ?? null }),
      },
      'slow query',
    );
  };

  // pg's query() is overloaded (text or config, values or not, callback or promise, or a
  // submittable such as a cursor); each shape is passed on as it came.
  return class SlowQueryLoggingClient extends pg.Client {
    // biome-ignore lint/suspicious/noExplicitAny: matches every overload of pg.Client#query
    override query(config: any, values?: any, callback?: any): any {
      const submittable = typeof config?.submit === 'function';
      if (submittable || typeof config?.callback === 'function') {
        // Streams and cursors end by events, not callbacks: not timed.
        return super.query(config, values, callback);
      }
      const startedAt = performance.now();
      const timed =
        (done: QueryCallback): QueryCallback =>
        (error, result) => {
          report(config, startedAt, error, result?.rowCount);
          done(error, result);
        };
      if (typeof values === 'function') return super.query(config, timed(values));
      if (typeof callback === 'function') return super.query(config, values, timed(callback));
      return (super.query(config, values) as Promise<{ rowCount?: number | null }>).then(
        (result) => {
          report(config, startedAt, undefined, result.rowCount);
          return result;
        },
        (error: unknown) => {
          report(config, startedAt, error, undefined);
          throw error;
        },
      );
    }
  };
}
