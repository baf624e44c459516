import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * Databases the CLI test names itself (the harness's test databases are created for it, but
 * `migrate dev` must meet a missing one). `adminUrl` comes from `usePostgres().adminUrl`.
 */

/** A name no other run will pick: `<prefix>_<pid>_<random>`. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** The URL of `database` on the admin URL's server, with optional parameters (`schema`...). */
export function databaseUrl(
  adminUrl: string,
  database: string,
  params: Record<string, string> = {},
): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  url.search = '';
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
  return url.toString();
}

export async function query<Row extends Record<string, unknown>>(
  url: string,
  sql: string,
  params: unknown[] = [],
): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

export async function createDatabase(adminUrl: string, name: string): Promise<string> {
  await query(adminUrl, `CREATE DATABASE "${name}"`);
  return databaseUrl(adminUrl, name);
}

export async function dropDatabases(adminUrl: string, names: readonly string[]): Promise<void> {
  for (const name of names) await query(adminUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

export async function databaseExists(adminUrl: string, name: string): Promise<boolean> {
  const rows = await query(adminUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}
