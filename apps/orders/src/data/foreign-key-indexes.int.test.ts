import { checkForeignKeyIndexes } from '@groundwork/db';
import { usePostgres } from '@groundwork/testing/vitest';
import { test } from 'vitest';
import { ordersTemplate } from '../../test/orders-database.ts';

const db = usePostgres({ template: ordersTemplate });

test('when the orders schema is migrated, then every foreign key has an index leading with its columns', async () => {
  await checkForeignKeyIndexes({ databaseUrl: db.url });
});
