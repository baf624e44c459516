import type { PrismaConfigInternal } from 'prisma/config';

/** Absolute path of the wasm-backed stand-in for Prisma's native schema engine. */
export declare const offlineSchemaEngineBinary: string;

/**
 * Points the Prisma CLI at the offline schema engine. Leaves the choice alone when
 * `PRISMA_SCHEMA_ENGINE_BINARY` is already set (for example to a native binary) or when
 * `GROUNDWORK_SCHEMA_ENGINE=native` asks for Prisma's own resolution (download on first use).
 * Returns the engine binary the CLI will use, if known.
 *
 * @example
 * // prisma.config.ts, when you need a config this helper does not cover
 * import { useOfflineSchemaEngine } from '@groundwork/db/prisma-config';
 * import { defineConfig } from 'prisma/config';
 *
 * useOfflineSchemaEngine();
 * export default defineConfig({ schema: 'prisma', datasource: { url: process.env.DATABASE_URL } });
 */
export declare function useOfflineSchemaEngine(): string | undefined;

export interface ServicePrismaConfigOptions {
  /** Default: `DATABASE_URL`. Leave unset where only `prisma generate` runs. */
  databaseUrl?: string | undefined;
  /** Default: `SHADOW_DATABASE_URL`; unset means a temporary shadow database per command. */
  shadowDatabaseUrl?: string | undefined;
  /** Schema file or folder, relative to the config file. Default: `prisma/schema.prisma`. */
  schema?: string;
  /** Migrations folder, relative to the config file. Default: `prisma/migrations`. */
  migrations?: string;
  /** Command `prisma db seed` (and `migrate reset`) runs. */
  seed?: string;
}

/**
 * A service's whole Prisma config: standard layout, the datasource from the environment, and the
 * offline schema engine (see docs/adr/0002-prisma-offline-schema-engine.md).
 *
 * @example
 * // apps/orders/prisma.config.ts
 * import { defineServicePrismaConfig } from '@groundwork/db/prisma-config';
 *
 * export default defineServicePrismaConfig({
 *   databaseUrl: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/groundwork_orders',
 * });
 */
export declare function defineServicePrismaConfig(
  options?: ServicePrismaConfigOptions,
): PrismaConfigInternal;
