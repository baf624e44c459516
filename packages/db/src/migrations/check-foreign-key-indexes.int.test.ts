import { randomUUID } from 'node:crypto';
import { usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { checkForeignKeyIndexes, findUnindexedForeignKeys } from './check-foreign-key-indexes.ts';

const server = usePostgres();

describe('checkForeignKeyIndexes', () => {
  // A throwaway schema per test, named in the URL the way Prisma names one (`?schema=`).
  let admin: pg.Client;
  const schemas: string[] = [];
  beforeAll(async () => {
    admin = new pg.Client({ connectionString: server.url });
    await admin.connect();
  });
  afterAll(async () => {
    for (const schema of schemas) await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  });

  async function schemaWith(sql: string): Promise<{ schema: string; url: string }> {
    const schema = `fk_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    schemas.push(schema);
    await admin.query(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"; ${sql}`);
    await admin.query('RESET search_path');
    const url = new URL(server.url);
    url.searchParams.set('schema', schema);
    return { schema, url: url.toString() };
  }

  const parents = `
    CREATE TABLE orgs (id uuid PRIMARY KEY);
    CREATE TABLE orders (id uuid, org_id uuid REFERENCES orgs, PRIMARY KEY (id, org_id));`;

  test('when a foreign key has no index, then the schema check fails', async () => {
    const { schema, url } = await schemaWith(`${parents}
      CREATE TABLE lines (
        id uuid PRIMARY KEY, order_id uuid NOT NULL, org_id uuid NOT NULL,
        CONSTRAINT lines_order_fkey FOREIGN KEY (order_id, org_id) REFERENCES orders (id, org_id));
      CREATE INDEX orders_org_id_idx ON orders (org_id);
      -- Neither counts: the key's columns trail, or sit behind INCLUDE, or under a WHERE.
      CREATE INDEX lines_id_order_org_idx ON lines (id, order_id, org_id);
      CREATE INDEX lines_order_include_idx ON lines (order_id) INCLUDE (org_id);
      CREATE INDEX lines_partial_idx ON lines (order_id, org_id) WHERE org_id IS NOT NULL;`);

    await expect(checkForeignKeyIndexes({ databaseUrl: url })).rejects.toThrow(
      `Foreign keys without an index leading with their columns in schema "${schema}":\n- lines.lines_order_fkey (order_id, org_id)`,
    );
    expect(await findUnindexedForeignKeys(admin, schema)).toEqual([
      { table: 'lines', constraint: 'lines_order_fkey', columns: ['order_id', 'org_id'] },
    ]);
  });

  test('when every foreign key leads an index, in any column order, then the schema check passes', async () => {
    const { schema, url } = await schemaWith(`${parents}
      CREATE INDEX orders_org_id_created_idx ON orders (org_id, id);
      CREATE TABLE lines (
        id uuid PRIMARY KEY, order_id uuid NOT NULL, org_id uuid NOT NULL, product text,
        FOREIGN KEY (order_id, org_id) REFERENCES orders (id, org_id));
      CREATE UNIQUE INDEX lines_org_order_product_key ON lines (org_id, order_id, product);`);

    await expect(checkForeignKeyIndexes({ databaseUrl: url })).resolves.toBeUndefined();
    expect(await findUnindexedForeignKeys(admin, schema)).toEqual([]);
  });
});
