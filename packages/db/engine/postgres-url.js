/**
 * Prisma-flavoured PostgreSQL URLs, turned into what `pg` understands.
 */

/** Query parameters that only Prisma's native drivers read; `pg` must not see them. */
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
];

/** @param {string} url */
export function isPostgresUrl(url) {
  return /^postgres(ql)?:\/\//.test(url);
}

/**
 * The parts of a URL that messages and comparisons need (never the password).
 * @param {string} url
 */
export function describePostgresUrl(url) {
  const u = new URL(url);
  return {
    host: u.hostname || 'localhost',
    port: u.port || '5432',
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'postgres',
    user: decodeURIComponent(u.username),
    schema: u.searchParams.get('schema') ?? undefined,
  };
}

/**
 * The same server and credentials, another database.
 * @param {string} url
 * @param {string} database
 */
export function withDatabase(url, database) {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/**
 * A connection string for `pg`. Prisma's `?schema=` becomes the session `search_path`, as the
 * native engine does: adapter-pg only reports the schema, it does not switch to it, so without
 * this the engine would read and write `public`.
 * @param {string} url
 */
export function toPgConnectionString(url) {
  const u = new URL(url);
  const schema = u.searchParams.get('schema');
  for (const param of PRISMA_ONLY_PARAMS) u.searchParams.delete(param);
  if (schema && !u.searchParams.has('options')) {
    u.searchParams.set('options', `-c search_path=${quoteIdent(schema)}`);
  }
  return u.toString();
}

/**
 * Whether two URLs name the same database on the same server.
 * @param {string} a
 * @param {string} b
 */
export function sameDatabase(a, b) {
  const x = describePostgresUrl(a);
  const y = describePostgresUrl(b);
  return x.host === y.host && x.port === y.port && x.database === y.database;
}

/** @param {string} identifier */
export function quoteIdent(identifier) {
  return `"${identifier.replaceAll('"', '""')}"`;
}
