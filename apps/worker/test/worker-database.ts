import path from 'node:path';
import { applyMigrations } from '@groundwork/db';
import { hashDirectory, type TemplateSpec } from '@groundwork/testing';

export const migrationsDir = path.join(import.meta.dirname, '..', 'prisma', 'migrations');
export const prismaConfigPath = path.join(import.meta.dirname, '..', 'prisma.config.ts');

/** A migrated groundwork_worker, cloned per test file by `usePostgres({ template: workerTemplate })`. */
export const workerTemplate: TemplateSpec = {
  name: 'worker',
  version: await hashDirectory(migrationsDir),
  migrate: async (url) => {
    await applyMigrations({ databaseUrl: url, migrationsDir });
  },
};
