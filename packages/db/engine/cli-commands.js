/**
 * `schema-engine --datasource <json> cli <command>`: the one-shot commands the Prisma CLI uses to
 * probe the database and to create or drop it (`migrate dev` on a missing database,
 * `migrate reset`). They need no engine, only `pg`.
 */
import pg from 'pg';
import {
  describePostgresUrl,
  isPostgresUrl,
  quoteIdent,
  toPgConnectionString,
  withDatabase,
} from './postgres-url.js';
import { logError, logInfo } from './tracing-log.js';
import { toUserFacingError } from './user-facing-error.js';
import { loadSchemaEngineWasm } from './wasm-engine.js';

/**
 * @param {string | undefined} command
 * @param {import('./cli-args.js').Datasource} datasource
 * @returns {Promise<number>} the process exit code
 */
export async function runCliCommand(command, datasource) {
  // The CLI skips the first stderr line (the native engine's banner) before it reads the log.
  logInfo('Starting schema engine CLI', { git_hash: loadSchemaEngineWasm().version });
  const url = datasource.url;
  try {
    if (!url) {
      throw new Error(
        'The datasource.url property is required in your Prisma config file when using this command.',
      );
    }
    if (!isPostgresUrl(url))
      throw new Error('This schema engine supports postgresql:// URLs only.');
    const { database } = describePostgresUrl(url);
    switch (command) {
      case 'can-connect-to-database':
        await withClient(url, () => undefined);
        logInfo('Connection successful');
        break;
      case 'create-database':
        await withMaintenanceClient(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
        logInfo(`Database '${database}' was successfully created.`);
        break;
      case 'drop-database':
        await withMaintenanceClient(url, (c) => c.query(`DROP DATABASE ${quoteIdent(database)}`));
        logInfo('The database was successfully dropped.');
        break;
      default:
        throw new Error(`Unknown cli command: ${command}`);
    }
    return 0;
  } catch (error) {
    logError(toUserFacingError(error, url));
    return 1;
  }
}

/**
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => T | Promise<T>} use
 * @returns {Promise<T>}
 */
export async function withClient(url, use) {
  const client = new pg.Client({ connectionString: toPgConnectionString(url) });
  await client.connect();
  try {
    return await use(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Runs `use` on the server's maintenance database, as the native engine does for CREATE/DROP
 * DATABASE (a database cannot drop itself): `postgres`, else `template1`.
 * @template T
 * @param {string} url
 * @param {(client: pg.Client) => T | Promise<T>} use
 * @returns {Promise<T>}
 */
export async function withMaintenanceClient(url, use) {
  let lastError;
  for (const database of ['postgres', 'template1']) {
    const client = new pg.Client({
      connectionString: toPgConnectionString(withDatabase(url, database)),
    });
    try {
      await client.connect();
    } catch (error) {
      lastError = error;
      continue;
    }
    try {
      return await use(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  }
  throw lastError;
}
