import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { databaseUrl, quoteIdentifier, sqlState, withClient } from './postgres-admin.ts';
import { ensureTemplateDatabase, type TemplateSpec } from './template-database.ts';
import { TestingError } from './testing-error.ts';

/** A database that belongs to one test file. */
export interface TestDatabase {
  readonly name: string;
  /** Connects to this database, with the admin URL's user and password. */
  readonly url: string;
  /** Drops the database, closing any connection the test left open. */
  drop(): Promise<void>;
}

export interface CreateTestDatabaseOptions {
  /** URL of a user allowed to create databases, e.g. `postgresql://postgres@127.0.0.1:5432/postgres`. */
  readonly adminUrl: string;
  /** Clone this migrated template; without it the database is empty. */
  readonly template?: TemplateSpec;
}

const TEST_PREFIX = 'gw_test_';
/** `gw_test_<creation time, base 36>_<8 hex>`: the time lets a later run find leftovers. */
const TEST_NAME = /^gw_test_([0-9a-z]+)_[0-9a-f]{8}$/;
const UNDEFINED_DATABASE = '3D000';

/**
 * Creates a fresh database for one test file: a clone of the template's migrated database when a
 * template is given (a file-system copy, far faster than migrating), an empty one otherwise.
 *
 * @example
 * ```ts
 * const db = await createTestDatabase({ adminUrl, template: ordersTemplate });
 * try {
 *   const pool = new pg.Pool({ connectionString: db.url });
 *   // ...
 *   await pool.end();
 * } finally {
 *   await db.drop();
 * }
 * ```
 */
export async function createTestDatabase(
  options: CreateTestDatabaseOptions,
): Promise<TestDatabase> {
  const { adminUrl, template } = options;
  const name = `${TEST_PREFIX}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (template === undefined) {
    await withClient(adminUrl, (client) =>
      client.query(`create database ${quoteIdentifier(name)}`),
    );
  } else {
    await cloneTemplate(adminUrl, name, template);
  }
  return {
    name,
    url: databaseUrl(adminUrl, name),
    drop: () => dropTestDatabase(adminUrl, name),
  };
}

async function cloneTemplate(
  adminUrl: string,
  name: string,
  template: TemplateSpec,
): Promise<void> {
  const clone = async () => {
    const source = await ensureTemplateDatabase(adminUrl, template);
    await withClient(adminUrl, (client) =>
      client.query(`create database ${quoteIdentifier(name)} template ${quoteIdentifier(source)}`),
    );
  };
  try {
    await clone();
  } catch (error) {
    // A run with another version of the same template may have replaced it meanwhile.
    if (sqlState(error) !== UNDEFINED_DATABASE) throw error;
    await clone();
  }
}

/**
 * Drops a database made by {@link createTestDatabase}. Any other name is refused, so a wrong
 * argument can never drop a real database.
 *
 * @example
 * ```ts
 * await dropTestDatabase(adminUrl, db.name);
 * ```
 */
export async function dropTestDatabase(adminUrl: string, name: string): Promise<void> {
  if (!TEST_NAME.test(name)) {
    throw new TestingError(
      'TESTING_INVALID_ARGUMENT',
      `refusing to drop "${name}": not a test database`,
    );
  }
  await withClient(adminUrl, async (client) => {
    // A pool's end() resolves before its connections have said goodbye: give them a moment, so
    // FORCE does not kill a connection mid-close (its FATAL 57P01 then reaches a client without
    // an error listener, an unhandled error in whatever test file closed that pool).
    for (let waited = 0; waited < CLOSE_GRACE_MS; waited += CLOSE_POLL_MS) {
      const { rows } = await client.query<{ open: number }>(
        'select count(*)::int as open from pg_stat_activity where datname = $1',
        [name],
      );
      if ((rows[0]?.open ?? 0) === 0) break;
      await sleep(CLOSE_POLL_MS);
    }
    await client.query(`drop database if exists ${quoteIdentifier(name)} with (force)`);
  });
}

/** How long a drop waits for connections that are closing; then FORCE ends the rest (leaks). */
const CLOSE_GRACE_MS = 1_000;
const CLOSE_POLL_MS = 20;

/**
 * Drops test databases older than `olderThanMs` (default one hour), left behind by runs that were
 * killed before their teardown. Younger ones may belong to a run still going on this server.
 *
 * @example
 * ```ts
 * const dropped = await dropStaleTestDatabases(adminUrl);
 * ```
 */
export async function dropStaleTestDatabases(
  adminUrl: string,
  options: { readonly olderThanMs?: number; readonly now?: number } = {},
): Promise<string[]> {
  const cutoff = (options.now ?? Date.now()) - (options.olderThanMs ?? 3_600_000);
  const stale = await withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'select datname from pg_database where datname like $1',
      [`${TEST_PREFIX}%`],
    );
    return rows
      .map((row) => row.datname)
      .filter((name) => {
        const created = TEST_NAME.exec(name)?.[1];
        return created !== undefined && Number.parseInt(created, 36) < cutoff;
      });
  });
  for (const name of stale) await dropTestDatabase(adminUrl, name);
  return stale;
}
