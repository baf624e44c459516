import { createLogger } from '@groundwork/logger';
import { Redis } from 'ioredis';
import { buildApp } from './app.ts';
import { loadOrdersConfig } from './config.ts';
import { createTenantDatabase } from './data/tenant-database.ts';

/**
 * Orders' OpenAPI document, built offline: the app is wired as main.ts wires it, from the default
 * config, with connections that are never opened. It is made ready (the document is
 * assembled then) without the boot-time check of the database's policies,
 * which serves no request here. `npm run api:check` merges it with the other services' into
 * `docs/api/openapi.json`.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadOrdersConfig({});
  const logger = createLogger({ service: 'orders', level: 'silent' });
  const database = createTenantDatabase({
    url: config.DATABASE_URL,
    role: config.DATABASE_ROLE,
    poolSize: 1,
    logger,
  });
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
  const app = await buildApp({
    config,
    logger,
    redis,
    database: { ...database, verify: async () => {} },
  });
  try {
    await app.ready();
    // What the service serves at /openapi.json. `swagger()` is @fastify/swagger's decorator, which
    // the kit registers; its type augmentation is the kit's, not visible from compiled packages.
    return (app as unknown as { swagger(): Record<string, unknown> }).swagger();
  } finally {
    await app.close();
    await database.database.disconnect();
    redis.disconnect();
  }
}
