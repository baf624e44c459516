import pg from 'pg';
import { describeError } from './describe-error.ts';

export type ProbeResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * Whether `url` reaches a Postgres server on which the harness can work: it must answer within
 * `timeoutMs` and its user must be allowed to create databases (one per test file).
 */
export async function probePostgres(url: string, timeoutMs: number): Promise<ProbeResult> {
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
  });
  // A server that drops the connection after connect emits 'error'; unhandled, it would crash the worker.
  client.on('error', () => {});
  try {
    await client.connect();
    const { rows } = await client.query<{ can_create: boolean }>(
      'select rolcreatedb or rolsuper as can_create from pg_roles where rolname = current_user',
    );
    if (rows[0]?.can_create !== true) {
      return { ok: false, problem: 'it answered, but its user may not create databases' };
    }
    return { ok: true };
  } catch (error) {
    return { ok: false, problem: describeError(error) };
  } finally {
    await client.end().catch(() => {});
  }
}
