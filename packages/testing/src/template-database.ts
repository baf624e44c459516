import { createHash } from 'node:crypto';
import type pg from 'pg';
import { databaseUrl, quoteIdentifier, withClient } from './postgres-admin.ts';
import { TestingError } from './testing-error.ts';

/** How to build the schema every test database of a service starts from. */
export interface TemplateSpec {
  /** Short and stable, usually the owning service: `orders`. Letters, digits and `_` survive. */
  readonly name: string;
  /** Changes whenever the schema does, e.g. `await hashDirectory(migrationsDir)`. */
  readonly version: string;
  /** Brings the empty database at `url` to the current schema (e.g. runs `prisma migrate deploy`). */
  readonly migrate: (url: string) => Promise<void>;
}

const TEMPLATE_PREFIX = 'gw_tpl_';
const BUILD_SUFFIX = '_b';
const NAME_MAX = 30;
const VERSION_LENGTH = 12;
/** First key of the two-key advisory lock: keeps the harness's locks apart from an app's. */
const LOCK_NAMESPACE = 0x6777;

function familyName(spec: TemplateSpec): string {
  const family = spec.name
    .toLowerCase()
    .replace(/[^a-z0-9_]+/g, '_')
    .slice(0, NAME_MAX);
  if (!/[a-z0-9]/.test(family)) {
    throw new TestingError(
      'TESTING_INVALID_ARGUMENT',
      `template name "${spec.name}" has no letters or digits`,
    );
  }
  return family;
}

/**
 * `gw_tpl_<name>_<12 hex of the version>`: a new migration gives a new template, so a stale one
 * can never be cloned, and Postgres' 63-byte identifier limit is respected.
 *
 * @example
 * ```ts
 * templateDatabaseName({ name: 'orders', version: 'v1', migrate }); // 'gw_tpl_orders_…'
 * ```
 */
export function templateDatabaseName(spec: TemplateSpec): string {
  const version = createHash('sha256').update(spec.version).digest('hex').slice(0, VERSION_LENGTH);
  return `${TEMPLATE_PREFIX}${familyName(spec)}_${version}`;
}

/**
 * Creates the migrated template database for `spec` unless it exists, and returns its name.
 *
 * Safe when many workers and processes race: the builder holds an advisory lock, migrates a
 * `_b` database and renames it into place only when migration succeeded, so a template that
 * exists is always complete. Templates of other versions of the same name are dropped. The
 * template refuses connections, so cloning it never fails on "being accessed by other users".
 *
 * @example
 * ```ts
 * const template = await ensureTemplateDatabase('postgresql://postgres@127.0.0.1:5432/postgres', {
 *   name: 'orders',
 *   version: await hashDirectory('prisma/migrations'),
 *   migrate: (url) => migrateDeploy(url),
 * });
 * ```
 */
export async function ensureTemplateDatabase(
  adminUrl: string,
  spec: TemplateSpec,
): Promise<string> {
  const template = templateDatabaseName(spec);
  // One lock per template name, not per version: building and dropping old versions are serialised.
  const lock = [LOCK_NAMESPACE, `${TEMPLATE_PREFIX}${familyName(spec)}`];
  return withClient(adminUrl, async (client) => {
    if (await databaseExists(client, template)) return template;
    await client.query('select pg_advisory_lock($1, hashtext($2))', lock);
    try {
      // Whoever held the lock before us may have built it.
      if (!(await databaseExists(client, template))) {
        await buildTemplate(client, adminUrl, template, spec);
      }
      await dropOtherVersions(client, spec, template);
      return template;
    } finally {
      await client.query('select pg_advisory_unlock($1, hashtext($2))', lock);
    }
  });
}

async function buildTemplate(
  client: pg.Client,
  adminUrl: string,
  template: string,
  spec: TemplateSpec,
): Promise<void> {
  const build = `${template}${BUILD_SUFFIX}`;
  // Left over by a run that died mid-migration.
  await client.query(`drop database if exists ${quoteIdentifier(build)} with (force)`);
  await client.query(`create database ${quoteIdentifier(build)}`);
  try {
    await spec.migrate(databaseUrl(adminUrl, build));
  } catch (error) {
    await client.query(`drop database if exists ${quoteIdentifier(build)} with (force)`);
    throw new TestingError(
      'TESTING_TEMPLATE_MIGRATION_FAILED',
      `migrating template "${spec.name}" (version ${spec.version}) failed`,
      { cause: error },
    );
  }
  // A migrate function that forgot to close its pool would block the rename and every clone.
  await client.query(
    'select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
    [build],
  );
  await client.query(
    `alter database ${quoteIdentifier(build)} rename to ${quoteIdentifier(template)}`,
  );
  await client.query(
    `alter database ${quoteIdentifier(template)} with is_template true allow_connections false`,
  );
}

async function dropOtherVersions(
  client: pg.Client,
  spec: TemplateSpec,
  keep: string,
): Promise<void> {
  const pattern = `^${TEMPLATE_PREFIX}${familyName(spec)}_[0-9a-f]{${VERSION_LENGTH}}(${BUILD_SUFFIX})?$`;
  const { rows } = await client.query<{ datname: string }>(
    'select datname from pg_database where datname ~ $1 and datname <> $2',
    [pattern, keep],
  );
  for (const { datname } of rows) {
    await client.query(`alter database ${quoteIdentifier(datname)} with is_template false`);
    await client.query(`drop database if exists ${quoteIdentifier(datname)} with (force)`);
  }
}

async function databaseExists(client: pg.Client, name: string): Promise<boolean> {
  const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
  return rowCount === 1;
}
