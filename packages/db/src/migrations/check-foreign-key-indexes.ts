import pg from 'pg';
import { toPgConnection } from '../postgres-url.ts';

/** What `findUnindexedForeignKeys` needs: a `pg.Pool`, or a client. */
export interface CatalogReader {
  query<Row extends object>(sql: string, values: unknown[]): Promise<{ rows: Row[] }>;
}

/** A foreign key that no index serves, as `findUnindexedForeignKeys` reports it. */
export interface UnindexedForeignKey {
  readonly table: string;
  readonly constraint: string;
  /** The referencing columns, in the key's order. */
  readonly columns: readonly string[];
}

/**
 * Foreign keys whose columns are not, in any order, the leading key columns of one valid,
 * non-partial index on the referencing table. Without such an index, every delete or key update
 * of a referenced row scans the referencing table, and so does every join from the parent.
 * (INCLUDE columns, expressions and partial indexes do not count: the planner cannot seek on them
 * for every row.)
 */
const UNINDEXED_FOREIGN_KEYS = `
  SELECT t.relname::text AS "table",
         c.conname AS "constraint",
         array_agg(a.attname::text ORDER BY k.position) AS columns
    FROM pg_constraint c
    JOIN pg_class t ON t.oid = c.conrelid
   CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
   WHERE c.contype = 'f'
     AND c.connamespace = $1::regnamespace
     AND NOT EXISTS (
       SELECT 1 FROM pg_index i
        WHERE i.indrelid = c.conrelid
          AND i.indisvalid
          AND i.indpred IS NULL
          AND cardinality(c.conkey) <= i.indnkeyatts
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] @> c.conkey
          AND (i.indkey::int2[])[0:cardinality(c.conkey) - 1] <@ c.conkey)
   GROUP BY t.relname, c.conname
   ORDER BY 1, 2`;

/**
 * The foreign keys of `schema` that no index leads with (see `checkForeignKeyIndexes`).
 *
 * @example
 * const missing = await findUnindexedForeignKeys(pool, 'public');
 * // [{ table: 'order_lines', constraint: 'order_lines_productId_fkey', columns: ['productId'] }]
 */
export async function findUnindexedForeignKeys(
  db: CatalogReader,
  schema: string,
): Promise<UnindexedForeignKey[]> {
  const { rows } = await db.query<UnindexedForeignKey>(UNINDEXED_FOREIGN_KEYS, [schema]);
  return rows;
}

export interface CheckForeignKeyIndexesOptions {
  /** A migrated database; Prisma's `?schema=` names the schema checked (default `public`). */
  readonly databaseUrl: string;
}

/**
 * Fails when a foreign key of the database's schema has no index leading with its columns,
 * naming each such key and its columns. Run it in each service's tests against its migrated
 * schema, so a migration cannot add a relation without the index its deletes and joins need.
 *
 * @example
 * const db = usePostgres({ template: ordersTemplate });
 *
 * test('when the orders schema is migrated, then every foreign key has an index', async () => {
 *   await checkForeignKeyIndexes({ databaseUrl: db.url });
 * });
 */
export async function checkForeignKeyIndexes(
  options: CheckForeignKeyIndexesOptions,
): Promise<void> {
  const { connectionString, schema } = toPgConnection(options.databaseUrl);
  const client = new pg.Client({ connectionString });
  await client.connect();
  let missing: UnindexedForeignKey[];
  try {
    missing = await findUnindexedForeignKeys(client, schema);
  } finally {
    await client.end();
  }
  if (missing.length > 0) {
    const list = missing.map(
      ({ table, constraint, columns }) => `- ${table}.${constraint} (${columns.join(', ')})`,
    );
    throw new Error(
      `Foreign keys without an index leading with their columns in schema "${schema}":\n${list.join('\n')}\nAdd an index on those columns (any order) in a migration.`,
    );
  }
}
