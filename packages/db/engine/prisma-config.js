/**
 * The one place a service's `prisma.config.ts` comes from. Plain JavaScript on purpose: the Prisma
 * CLI loads it before anything in the repo is built.
 */
import path from 'node:path';
import { defineConfig } from 'prisma/config';

/** Absolute path of the wasm-backed stand-in for Prisma's native schema engine. */
export const offlineSchemaEngineBinary = path.join(import.meta.dirname, 'schema-engine.js');

/**
 * Points the Prisma CLI at the offline schema engine. Leaves the choice alone when
 * `PRISMA_SCHEMA_ENGINE_BINARY` is already set (e.g. to a native binary) or when
 * `GROUNDWORK_SCHEMA_ENGINE=native` asks for Prisma's own resolution (download on first use).
 * @returns {string | undefined} the engine binary the CLI will use, if we know it
 */
export function useOfflineSchemaEngine() {
  if (process.env.GROUNDWORK_SCHEMA_ENGINE !== 'native') {
    process.env.PRISMA_SCHEMA_ENGINE_BINARY ??= offlineSchemaEngineBinary;
  }
  return process.env.PRISMA_SCHEMA_ENGINE_BINARY;
}

/**
 * @param {import('./prisma-config.d.ts').ServicePrismaConfigOptions} [options]
 */
export function defineServicePrismaConfig(options = {}) {
  useOfflineSchemaEngine();
  const {
    databaseUrl = process.env.DATABASE_URL,
    shadowDatabaseUrl = process.env.SHADOW_DATABASE_URL,
    schema = 'prisma/schema.prisma',
    migrations = 'prisma/migrations',
    seed,
  } = options;
  return defineConfig({
    schema,
    migrations: { path: migrations, ...(seed ? { seed } : {}) },
    datasource: {
      ...(databaseUrl ? { url: databaseUrl } : {}),
      ...(shadowDatabaseUrl ? { shadowDatabaseUrl } : {}),
    },
  });
}
