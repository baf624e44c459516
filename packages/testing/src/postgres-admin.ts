import pg from 'pg';

/**
 * Runs `work` on one short-lived connection. The harness issues a handful of statements per test
 * file; a pool would only outlive the file and keep the server from dropping databases.
 */
export async function withClient<T>(
  url: string,
  work: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  // A connection terminated by the server emits 'error'; unhandled, it would crash the worker.
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}

/** The URL of another database on the same server, keeping user, password and parameters. */
export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function quoteIdentifier(name: string): string {
  return pg.escapeIdentifier(name);
}

/** Postgres error code, when `error` came from the server. */
export function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
