import path from 'node:path';
import { applyMigrations } from '@groundwork/db';
import { hashDirectory, type TemplateSpec } from '@groundwork/testing';

export const migrationsDir = path.join(import.meta.dirname, '..', 'prisma', 'migrations');

/** A migrated orders database, cloned per test file by `usePostgres({ template: ordersTemplate })`. */
export const ordersTemplate: TemplateSpec = {
  name: 'orders',
  version: await hashDirectory(migrationsDir),
  migrate: async (url) => {
    await applyMigrations({ databaseUrl: url, migrationsDir });
  },
};
