import { randomBytes } from 'node:crypto';
import pg from 'pg';

/**
 * The PostgreSQL server the tests use (a URL of its maintenance database). Each test file makes
 * its own throwaway databases on it and drops them afterwards.
 */
export const serverUrl =
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** A database name no other test run will pick: `<prefix>_<pid>_<random>`. */
export function uniqueDatabaseName(prefix: string): string {
  return `${prefix}_${process.pid}_${randomBytes(3).toString('hex')}`;
}

/** The URL of `database` on the test server, with optional query parameters (`schema`...). */
export function databaseUrl(database: string, params: Record<string, string> = {}): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
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

export async function createDatabase(name: string): Promise<string> {
  await query(serverUrl, `CREATE DATABASE "${name}"`);
  return databaseUrl(name);
}

export async function dropDatabases(names: readonly string[]): Promise<void> {
  for (const name of names)
    await query(serverUrl, `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}

export async function databaseExists(name: string): Promise<boolean> {
  const rows = await query(serverUrl, 'SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  return rows.length === 1;
}
