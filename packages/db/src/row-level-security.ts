import { dbErrors } from './db-errors.ts';
import { quoteIdent } from './postgres-url.ts';

const ROLE = /^[a-z_][a-z0-9_]*$/;

/**
 * The URL with `role` as every connection's current role (`-c role=...` in the startup options,
 * the same as `SET ROLE` before the first query). Row-level security binds the current role: a
 * service that switches to a role without SUPERUSER or BYPASSRLS is bound by the policies even
 * when it logs in as a more powerful user, as it does in development (`postgres`). Production logs
 * in as a member of `role` with only that membership.
 *
 * Poolers in transaction mode (PgBouncer) drop startup options: log in as the role itself there.
 *
 * @example
 * const db = createDatabaseClient(PrismaClient, {
 *   url: withSessionRole(config.DATABASE_URL, config.DATABASE_ROLE), // 'orders_app'
 * });
 */
export function withSessionRole(url: string, role: string): string {
  if (!ROLE.test(role)) {
    throw new TypeError(`withSessionRole: "${role}" is not a plain lower-case role name`);
  }
  const parsed = new URL(url);
  const options = [parsed.searchParams.get('options'), `-c role=${role}`];
  // Prisma's ?schema= becomes the search_path only while the URL has no options of its own.
  const schema = parsed.searchParams.get('schema');
  if (schema !== null && !(options[0] ?? '').includes('search_path')) {
    options.push(`-c search_path=${quoteIdent(schema)}`);
  }
  parsed.searchParams.set('options', options.filter((option) => option).join(' '));
  return parsed.toString();
}

/** What `checkRowLevelSecurity` needs: a `pg.Pool`, or a client. */
export interface Queryable {
  query<Row extends object>(sql: string): Promise<{ rows: Row[] }>;
}

/**
 * Fails with DB_MISCONFIGURED when the connections' current role escapes row-level security
 * (a superuser, or BYPASSRLS): then every policy would silently pass everything. Call it at boot,
 * after `verifyConnection()`, in services whose tenancy relies on the policies.
 *
 * @example
 * await db.verifyConnection();
 * await checkRowLevelSecurity(db.pool);
 */
export async function checkRowLevelSecurity(pool: Queryable): Promise<void> {
  const { rows } = await pool.query<{ role: string; rolsuper: boolean; rolbypassrls: boolean }>(
    'SELECT current_user AS role, rolsuper, rolbypassrls FROM pg_roles WHERE rolname = current_user',
  );
  const [current] = rows;
  if (current === undefined) {
    throw dbErrors.DB_MISCONFIGURED.create('The current database role cannot be read.');
  }
  if (current.rolsuper || current.rolbypassrls) {
    throw dbErrors.DB_MISCONFIGURED.create(
      `The database role "${current.role}" is ${current.rolsuper ? 'a superuser' : 'BYPASSRLS'}: row-level security would not apply. Run as a role without either (DATABASE_ROLE).`,
    );
  }
}
