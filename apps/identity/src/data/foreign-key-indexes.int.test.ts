import { checkForeignKeyIndexes } from '@groundwork/db';
import { usePostgres } from '@groundwork/testing/vitest';
import { test } from 'vitest';
import { identityTemplate } from '../../test/identity-database.ts';

const db = usePostgres({ template: identityTemplate });

test('when the identity schema is migrated, then every foreign key has an index leading with its columns', async () => {
  await checkForeignKeyIndexes({ databaseUrl: db.url });
});
