import pg from 'pg';

/** An event as a service wrote it to its `outbox` table (see `writeOutboxEvent` in @groundwork/db). */
export interface OutboxRow {
  readonly id: string;
  readonly aggregate: string;
  readonly type: string;
  readonly payload: unknown;
  readonly traceparent: string | null;
  readonly createdAt: Date;
}

export interface ClaimedBatch {
  /** Rows handed to `publish`. */
  readonly claimed: number;
  /** Rows `publish` reported published, now marked. */
  readonly published: number;
}

export interface OutboxListener {
  close(): Promise<void>;
}

export interface OutboxSource {
  /** The service whose database this is, e.g. `orders`. */
  readonly name: string;
  /**
   * In one transaction: claims up to `limit` of the oldest unpublished events (shared among the
   * aggregates that waited longest, so none can crowd out the others), hands them to
   * `publish` grouped by aggregate (each group in order, and always the oldest unpublished
   * events of its aggregate with no gap), marks published the ids `publish` returns, and
   * commits. No other relay sees the claimed aggregates until then. If the process dies
   * before the commit, nothing is marked and the next claimer publishes the events again, which
   * the event id as job id makes harmless.
   */
  claimBatch(
    limit: number,
    publish: (aggregates: readonly (readonly OutboxRow[])[]) => Promise<readonly string[]>,
  ): Promise<ClaimedBatch>;
  /**
   * Calls `onNotify` on every `NOTIFY outbox` (sent by the table's trigger when a transaction
   * that wrote events commits), and once more after each reconnection, since notifications sent
   * while disconnected are lost. Never rejects: while the database is unreachable it reports
   * errors to `onError` and keeps reconnecting until closed (polling covers the gap).
   */
  listen(onNotify: () => void, onError: (error: Error) => void): Promise<OutboxListener>;
  /** Seconds since the oldest unpublished event was written; 0 when every event is published. */
  oldestUnpublishedAgeSeconds(): Promise<number>;
  /** For the service kit's `addReadinessCheck`. */
  readonly readinessCheck: { readonly name: string; check(): Promise<void> };
  close(): Promise<void>;
}

export interface OutboxSourceOptions {
  readonly name: string;
  /** The service's `DATABASE_URL`; a Prisma `?schema=` becomes the search_path. */
  readonly url: string;
  /** Connections kept open besides the listener. Default 2: one claims, one answers readiness. */
  readonly poolSize?: number;
  readonly onPoolError?: (error: Error) => void;
}

/** The channel of the outbox trigger (`sql/outbox-notify.sql`). */
export const OUTBOX_CHANNEL = 'outbox';

// First key of the two-key advisory lock a relay takes per aggregate; the second is the hash of
// the aggregate's name. Transaction-scoped: a commit, a rollback or a dead connection frees it.
const AGGREGATE_LOCK = 0x6f62; // "ob"

const RECONNECT_DELAY_MS = 1_000;

// Aggregates with unpublished events, the longest-waiting first, which this relay could lock:
// at most $1 of them, tried among the $2 that waited longest, so that relays claiming at the
// same moment lock different aggregates instead of all contending for the same few. The lock is
// what keeps two relays off the same aggregate, so that one of them, and only one, publishes its
// events in order. The outer LIMIT stops the executor once it holds $1 locks: the candidates
// after that are never tried, hence never locked.
const LOCK_AGGREGATES = `
  WITH waiting AS MATERIALIZED (
    SELECT aggregate, min("createdAt") AS since
    FROM outbox
    WHERE "publishedAt" IS NULL
    GROUP BY aggregate
    ORDER BY since
    LIMIT $2
  )
  SELECT aggregate FROM waiting
  WHERE pg_try_advisory_xact_lock(${AGGREGATE_LOCK}, hashtext(aggregate))
  LIMIT $1`;

/** How many more aggregates than it may lock a relay looks at: room for four relays at once. */
const CANDIDATES_PER_LOCK = 4;

// The oldest events of each locked aggregate, at most $2 each (so that an aggregate stuck behind
// an event that cannot be published never fills the whole batch), each with the number of
// unpublished events of its aggregate before it. Under the aggregate lock no relay holds these
// rows; SKIP LOCKED still keeps a relay from ever waiting on a row some other session locked (a
// manual UPDATE, a stuck script), and `ahead` shows such a skipped row, so the aggregate stops
// before it instead of overtaking it.
const CLAIM_EVENTS = `
  SELECT e.* FROM unnest($1::text[]) WITH ORDINALITY AS a(aggregate, position)
  CROSS JOIN LATERAL (
    SELECT o.id, o.aggregate, o.type, o.payload, o.traceparent, o."createdAt",
      (SELECT count(*) FROM outbox p
        WHERE p.aggregate = o.aggregate AND p."publishedAt" IS NULL
          AND (p."createdAt", p.id) < (o."createdAt", o.id))::int AS ahead
    FROM outbox o
    WHERE o.aggregate = a.aggregate AND o."publishedAt" IS NULL
    ORDER BY o."createdAt", o.id
    LIMIT $2
    FOR UPDATE SKIP LOCKED
  ) e
  ORDER BY a.position, e."createdAt", e.id`;

const MARK_PUBLISHED = `
  UPDATE outbox SET "publishedAt" = clock_timestamp() WHERE id = ANY($1::uuid[])`;

/** Reads and marks one service's outbox over `pg` (the worker has no Prisma client for it). */
export function createOutboxSource(options: OutboxSourceOptions): OutboxSource {
  const connectionString = toPgConnectionString(options.url);
  const pool = new pg.Pool({
    connectionString,
    max: options.poolSize ?? 2,
    application_name: `worker-relay:${options.name}`,
    connectionTimeoutMillis: 5_000,
    statement_timeout: 10_000,
    // A relay that hangs between claim and commit (a frozen process) must not hold its
    // aggregates forever: the server ends the transaction and another relay takes over.
    idle_in_transaction_session_timeout: 30_000,
  });
  pool.on('error', (error) => options.onPoolError?.(error));
  const listeners = new Set<OutboxListener>();

  return {
    name: options.name,

    async claimBatch(limit, publish) {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        const locked = await client.query<{ aggregate: string }>(LOCK_AGGREGATES, [
          limit,
          limit * CANDIDATES_PER_LOCK,
        ]);
        const aggregates = locked.rows.map((row) => row.aggregate);
        if (aggregates.length === 0) {
          await client.query('COMMIT');
          return { claimed: 0, published: 0 };
        }
        const perAggregate = Math.max(1, Math.floor(limit / aggregates.length));
        const claimed = await client.query<OutboxRow & { ahead: number }>(CLAIM_EVENTS, [
          aggregates,
          perAggregate,
        ]);
        const groups = gapFreeGroups(claimed.rows);
        const published = groups.length === 0 ? [] : await publish(groups);
        if (published.length > 0) await client.query(MARK_PUBLISHED, [published]);
        await client.query('COMMIT');
        return {
          claimed: groups.reduce((n, group) => n + group.length, 0),
          published: published.length,
        };
      } catch (error) {
        broken = error as Error;
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        // A connection that failed mid-transaction is not trusted again.
        client.release(broken);
      }
    },

    async listen(onNotify, onError) {
      let closed = false;
      let current: pg.Client | undefined;
      let retry: NodeJS.Timeout | undefined;

      const retryLater = () => {
        if (closed || retry !== undefined) return;
        retry = setTimeout(() => {
          retry = undefined;
          void connect();
        }, RECONNECT_DELAY_MS);
      };
      const lost = (client: pg.Client) => {
        if (current !== client) return;
        current = undefined;
        client.end().catch(() => {});
        retryLater();
      };
      const connect = async (): Promise<void> => {
        const client = new pg.Client({
          connectionString,
          application_name: `worker-relay-listen:${options.name}`,
        });
        client.on('notification', () => onNotify());
        client.on('error', (error) => {
          onError(error);
          lost(client);
        });
        client.on('end', () => lost(client));
        try {
          await client.connect();
          await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
        } catch (error) {
          // Polling covers the time without notifications; listening resumes once it connects.
          onError(error as Error);
          client.end().catch(() => {});
          retryLater();
          return;
        }
        if (closed) {
          await client.end().catch(() => {});
          return;
        }
        current = client;
        // Events committed while no one listened announced themselves to no one.
        onNotify();
      };

      await connect();
      const listener: OutboxListener = {
        async close() {
          closed = true;
          clearTimeout(retry);
          listeners.delete(listener);
          const client = current;
          current = undefined;
          await client?.end().catch(() => {});
        },
      };
      listeners.add(listener);
      return listener;
    },

    async oldestUnpublishedAgeSeconds() {
      // The ("publishedAt", "createdAt") index answers this from its first entry.
      const { rows } = await pool.query<{ age: number }>(
        `SELECT COALESCE(EXTRACT(EPOCH FROM now() - min("createdAt")), 0)::float8 AS age
           FROM outbox WHERE "publishedAt" IS NULL`,
      );
      return Math.max(0, rows[0]?.age ?? 0);
    },

    readinessCheck: {
      name: `outbox:${options.name}`,
      async check() {
        await pool.query('SELECT 1 FROM outbox LIMIT 1');
      },
    },

    async close() {
      await Promise.all([...listeners].map((listener) => listener.close()));
      await pool.end();
    },
  };
}

/**
 * Groups claimed rows by aggregate, in order, and cuts each group at its first gap: a row with
 * more unpublished events ahead of it than the group has before it follows an event that was
 * not claimed, and must wait for it.
 */
export function gapFreeGroups(rows: readonly (OutboxRow & { ahead: number })[]): OutboxRow[][] {
  const groups = new Map<string, OutboxRow[]>();
  const cut = new Set<string>();
  for (const { ahead, ...row } of rows) {
    if (cut.has(row.aggregate)) continue;
    const group = groups.get(row.aggregate) ?? [];
    if (ahead !== group.length) {
      cut.add(row.aggregate);
      continue;
    }
    group.push(row);
    groups.set(row.aggregate, group);
  }
  return [...groups.values()];
}

/** `pg` rejects Prisma's `?schema=`; it becomes the session's search_path instead. */
function toPgConnectionString(url: string): string {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  if (schema === null) return url;
  parsed.searchParams.delete('schema');
  if (!parsed.searchParams.has('options')) {
    parsed.searchParams.set('options', `-c search_path="${schema.replaceAll('"', '""')}"`);
  }
  return parsed.toString();
}
