import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import pg from 'pg';
import { type AppName, appDirectory } from './app-process.ts';

const run = promisify(execFile);

export interface ThrowawayDatabase {
  readonly name: string;
  /** Owner URL (the admin's credentials): what migrations and the apps' DATABASE_URL take. */
  readonly url: string;
  /** Drops it, terminating any connection still open. */
  drop(): Promise<void>;
}

/**
 * Creates `groundwork_e2e_<random>_<app>` on the server of `adminUrl` and applies the app's
 * migrations with `npx prisma migrate deploy` from the app folder, as a deployment does.
 */
export async function createMigratedDatabase(
  adminUrl: string,
  app: AppName,
): Promise<ThrowawayDatabase> {
  const name = `groundwork_e2e_${randomBytes(4).toString('hex')}_${app}`;
  await withClient(adminUrl, (client) =>
    client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`),
  );
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database: ThrowawayDatabase = {
    name,
    url: url.toString(),
    drop: () =>
      withClient(adminUrl, (client) =>
        client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`),
      ).then(() => undefined),
  };
  try {
    await run('npx', ['prisma', 'migrate', 'deploy'], {
      cwd: appDirectory(app),
      env: { ...process.env, DATABASE_URL: database.url },
    });
  } catch (error) {
    await database.drop();
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`${app} migrations failed:\n${stdout ?? ''}\n${stderr ?? ''}`);
  }
  return database;
}

/** Rows of `sql` in `url`, on a connection of their own. */
export async function query<T extends pg.QueryResultRow>(
  url: string,
  sql: string,
  values: unknown[] = [],
): Promise<T[]> {
  return withClient(url, async (client) => (await client.query<T>(sql, values)).rows);
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  client.on('error', () => {});
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => {});
  }
}
