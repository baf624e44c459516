/**
 * The driver adapter the wasm schema engine runs its SQL through: stock `@prisma/adapter-pg`
 * with four corrections, each needed to behave like the native engine.
 *
 * 1. Shadow database. `PrismaPg#connectToShadowDb()` opens `new Pool({ ...config, database })`,
 *    but `pg` lets a `connectionString` win over `database`, so the "shadow" pool is connected to
 *    the MAIN database, which the engine then wipes and replays migrations into. We create and
 *    drop `prisma_migrate_shadow_db_<uuid>` ourselves, or reset a configured shadow database.
 * 2. Scripts. adapter-pg's `executeScript` splits on `;`, which breaks `$$` function bodies and
 *    string literals. We send the script as one simple-protocol query (one implicit transaction),
 *    as the native engine does.
 * 3. `"char"` columns. The engine's schema describer reads pg_catalog columns of the one-byte
 *    `"char"` type (relkind, contype...), which adapter-pg cannot map. We let adapter-pg read them
 *    as text, then report them to the engine as `Character`, the type its describer reads them as
 *    (given `Text`, it panics on CHECK constraints: "Getting constraint_type ... as char failed").
 * 4. Sessions. The engine holds a session-level advisory lock while it migrates; the pool must not
 *    close idle connections under it, so `idleTimeoutMillis: 0`.
 */
import { randomUUID } from 'node:crypto';
import { PrismaPg } from '@prisma/adapter-pg';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { withClient } from './cli-commands.js';
import {
  describePostgresUrl,
  quoteIdent,
  sameDatabase,
  toPgConnectionString,
  withDatabase,
} from './postgres-url.js';
import { debugEnabled, logDebug } from './tracing-log.js';

const PG_TYPE = { char: 18, charArray: 1002, text: 25, textArray: 1009 };
/** `ColumnTypeEnum.Character` of @prisma/driver-adapter-utils. */
const CHARACTER_COLUMN = 6;

/**
 * adapter-pg's classes are not exported; these are the members we correct.
 * @typedef {{
 *   performIO(query: unknown): Promise<{ fields?: { dataTypeID: number }[], rows?: unknown[] } | undefined>,
 *   queryRaw(query: { sql: string }): Promise<unknown>,
 *   onError(error: unknown): never,
 * }} PgQueryable
 * @typedef {PgQueryable & {
 *   client: { query(sql: string): Promise<unknown> },
 *   executeScript(script: string): Promise<void>,
 *   startTransaction(...args: unknown[]): Promise<PgQueryable>,
 *   queryRaw(query: { sql: string }): Promise<unknown>,
 *   executeRaw(query: { sql: string }): Promise<unknown>,
 *   dispose(): Promise<void>,
 * }} PgAdapter
 */

/**
 * @param {import('./cli-args.js').Datasource & { url: string }} datasource
 */
export function createMigrationAdapterFactory(datasource) {
  /** @type {PgAdapter[]} */
  const openAdapters = [];

  /**
   * @param {string} url
   * @param {string} label
   */
  async function connect(url, label) {
    const { schema } = describePostgresUrl(url);
    const factory = new PrismaPg(
      { connectionString: toPgConnectionString(url), idleTimeoutMillis: 0 },
      schema ? { schema } : undefined,
    );
    const adapter = /** @type {PgAdapter} */ (/** @type {unknown} */ (await factory.connect()));
    correctAdapter(adapter, label);
    openAdapters.push(adapter);
    return adapter;
  }

  const factory = bindMigrationAwareSqlAdapterFactory({
    provider: 'postgres',
    adapterName: '@prisma/adapter-pg',
    connect: async () => /** @type {never} */ (await connect(datasource.url, 'main')),
    connectToShadowDb: async () =>
      /** @type {never} */ (
        datasource.shadowDatabaseUrl
          ? await connectToConfiguredShadowDb(datasource.url, datasource.shadowDatabaseUrl, connect)
          : await connectToTemporaryShadowDb(datasource.url, connect)
      ),
  });

  return {
    factory,
    /** Closes every pool (and so drops temporary shadow databases). */
    async disposeAll() {
      for (const adapter of openAdapters.splice(0)) await adapter.dispose().catch(() => undefined);
    },
  };
}

/**
 * A user-configured shadow database: the native engine empties it before each use, and the wasm
 * engine expects an empty database from every `connectToShadowDb()`.
 * @param {string} mainUrl
 * @param {string} shadowUrl
 * @param {(url: string, label: string) => Promise<PgAdapter>} connect
 */
async function connectToConfiguredShadowDb(mainUrl, shadowUrl, connect) {
  if (sameDatabase(mainUrl, shadowUrl)) {
    throw new Error(
      'The shadow database you configured appears to be the same as the main database. Please specify another shadow database.',
    );
  }
  const schema = quoteIdent(describePostgresUrl(shadowUrl).schema ?? 'public');
  await withClient(shadowUrl, (c) =>
    c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE; CREATE SCHEMA ${schema};`),
  );
  logDebug('reset configured shadow database schema', schema);
  return connect(shadowUrl, 'shadow');
}

/**
 * A throwaway database beside the main one, dropped when the engine disposes the adapter.
 * @param {string} mainUrl
 * @param {(url: string, label: string) => Promise<PgAdapter>} connect
 */
async function connectToTemporaryShadowDb(mainUrl, connect) {
  const name = `prisma_migrate_shadow_db_${randomUUID()}`;
  await withClient(mainUrl, (c) => c.query(`CREATE DATABASE ${quoteIdent(name)}`));
  logDebug('created shadow database', name);
  const adapter = await connect(withDatabase(mainUrl, name), 'shadow');
  const closePool = adapter.dispose.bind(adapter);
  let dropped = false;
  adapter.dispose = async () => {
    await closePool();
    if (dropped) return;
    dropped = true;
    await withClient(mainUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)}`));
    logDebug('dropped shadow database', name);
  };
  return adapter;
}

/**
 * @param {PgAdapter} adapter
 * @param {string} label
 */
function correctAdapter(adapter, label) {
  relabelCharColumns(adapter);
  const startTransaction = adapter.startTransaction.bind(adapter);
  adapter.startTransaction = async (...args) => relabelCharColumns(await startTransaction(...args));

  adapter.executeScript = async (script) => {
    logDebug(`[${label}] executeScript`, script.slice(0, 200));
    try {
      // No parameters: pg uses the simple query protocol, which accepts many statements.
      await adapter.client.query(script);
    } catch (error) {
      adapter.onError(error);
    }
  };

  if (debugEnabled) {
    for (const method of /** @type {const} */ (['queryRaw', 'executeRaw'])) {
      const run = adapter[method].bind(adapter);
      adapter[method] = (query) => {
        logDebug(`[${label}] ${method}`, query.sql.slice(0, 300));
        return run(query);
      };
    }
  }
}

/**
 * `pg` already parses `"char"` values as strings. adapter-pg maps type ids to column types in
 * queryRaw, after performIO: performIO relabels `"char"` as text so the mapping succeeds and
 * notes which columns it relabelled, keyed by the rows array (queryRaw returns that same array),
 * and queryRaw then reports those columns as `Character`.
 * @template {PgQueryable} Q
 * @param {Q} queryable
 * @returns {Q}
 */
function relabelCharColumns(queryable) {
  /** @type {WeakMap<object, number[]>} */
  const charColumnsOfRows = new WeakMap();
  const performIO = queryable.performIO.bind(queryable);
  queryable.performIO = async (query) => {
    const result = await performIO(query);
    /** @type {number[]} */
    const charColumns = [];
    for (const [index, field] of (result?.fields ?? []).entries()) {
      if (field.dataTypeID === PG_TYPE.char) {
        field.dataTypeID = PG_TYPE.text;
        charColumns.push(index);
      } else if (field.dataTypeID === PG_TYPE.charArray) field.dataTypeID = PG_TYPE.textArray;
    }
    if (charColumns.length > 0 && result?.rows) charColumnsOfRows.set(result.rows, charColumns);
    return result;
  };
  const queryRaw = queryable.queryRaw.bind(queryable);
  queryable.queryRaw = async (query) => {
    const resultSet = /** @type {{ columnTypes: number[], rows: object }} */ (
      await queryRaw(query)
    );
    for (const index of charColumnsOfRows.get(resultSet.rows) ?? []) {
      resultSet.columnTypes[index] = CHARACTER_COLUMN;
    }
    return resultSet;
  };
  return queryable;
}
