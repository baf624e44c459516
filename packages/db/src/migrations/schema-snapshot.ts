import type pg from 'pg';

/**
 * Everything a migration can change in one schema, as sorted text lines: columns (type, null,
 * default), constraints, indexes, enums, sequences, views, functions and triggers. Two equal
 * snapshots mean two equal schemas, whatever order the objects were created in.
 */
const CATALOG_QUERIES = [
  `SELECT format('column %I.%I %s%s%s', c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
            CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
            coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '')) AS line
     FROM pg_attribute a
     JOIN pg_class c ON c.oid = a.attrelid
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE c.relnamespace = $1::regnamespace AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
      AND a.attnum > 0 AND NOT a.attisdropped`,
  `SELECT format('constraint %s %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS line
     FROM pg_constraint WHERE connamespace = $1::regnamespace`,
  `SELECT format('index %s', indexdef) AS line FROM pg_indexes WHERE schemaname = $1`,
  `SELECT format('enum %I (%s)', t.typname, string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)) AS line
     FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid
    WHERE t.typnamespace = $1::regnamespace GROUP BY t.typname`,
  `SELECT format('sequence %I', sequencename) AS line FROM pg_sequences WHERE schemaname = $1`,
  `SELECT format('view %I %s', viewname, md5(definition)) AS line FROM pg_views WHERE schemaname = $1`,
  `SELECT format('function %I(%s) %s', p.proname, pg_get_function_identity_arguments(p.oid), md5(pg_get_functiondef(p.oid))) AS line
     FROM pg_proc p WHERE p.pronamespace = $1::regnamespace AND p.prokind IN ('f', 'p')`,
  `SELECT format('trigger %s', pg_get_triggerdef(t.oid)) AS line
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
    WHERE c.relnamespace = $1::regnamespace AND NOT t.tgisinternal`,
];

/** Tables the tooling owns, not the migrations. */
const IGNORED = /\b_prisma_migrations\b/;

export async function snapshotSchema(client: pg.Client, schema: string): Promise<string[]> {
  const exists = await client.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (exists.rowCount === 0) return [];
  const lines: string[] = [];
  for (const sql of CATALOG_QUERIES) {
    const { rows } = await client.query<{ line: string }>(sql, [schema]);
    lines.push(...rows.map((row) => row.line).filter((line) => !IGNORED.test(line)));
  }
  return lines.sort();
}

/** `- ` lines only in `expected`, `+ ` lines only in `actual`; empty when equal. */
export function diffSnapshots(expected: readonly string[], actual: readonly string[]): string[] {
  const before = new Set(expected);
  const after = new Set(actual);
  return [
    ...expected.filter((line) => !after.has(line)).map((line) => `- ${line}`),
    ...actual.filter((line) => !before.has(line)).map((line) => `+ ${line}`),
  ];
}
