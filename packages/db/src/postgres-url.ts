/**
 * Prisma-flavoured PostgreSQL URLs for `pg`. (The offline schema engine has a plain-JS twin in
 * engine/postgres-url.js: it must run before anything is built.)
 */

/** Query parameters only Prisma's own drivers read; `pg` must not see them. */
const PRISMA_ONLY_PARAMS = [
  'schema',
  'connection_limit',
  'pool_timeout',
  'pgbouncer',
  'statement_cache_size',
  'socket_timeout',
];

export interface PgConnection {
  /** For `pg`: Prisma-only parameters removed, `?schema=` turned into the session search_path. */
  readonly connectionString: string;
  /** The schema Prisma's `?schema=` names, or `public`. */
  readonly schema: string;
}

export function toPgConnection(url: string): PgConnection {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema');
  for (const param of PRISMA_ONLY_PARAMS) parsed.searchParams.delete(param);
  if (schema && !parsed.searchParams.has('options')) {
    parsed.searchParams.set('options', `-c search_path=${quoteIdent(schema)}`);
  }
  return { connectionString: parsed.toString(), schema: schema ?? 'public' };
}

/** `host:port/database`: enough to name a server in an error, never the credentials. */
export function describeServer(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
  } catch {
    return '(unparsable URL)';
  }
}

export function quoteIdent(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
