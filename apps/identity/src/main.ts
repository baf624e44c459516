import { once } from 'node:events';
import { createCacheRedisClient, redisReadinessCheck } from '@groundwork/cache';
import { createDatabaseClient } from '@groundwork/db';
import { createLogger } from '@groundwork/logger';
import { serviceOptionsFromEnv, startOptionsFromEnv, startService } from '@groundwork/service-kit';
import { buildApp, createIdentity } from './app.ts';
import { loadIdentityConfig } from './config.ts';
import { databaseOptionsOf } from './data/db.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createPasswordHasher } from './security/password-hasher.ts';

const config = loadIdentityConfig();
const logger = createLogger({ service: 'identity', level: config.LOG_LEVEL });
if (config.SIGNING_KEY_ENCRYPTION_KEY === '') {
  logger.warn(
    'SIGNING_KEY_ENCRYPTION_KEY is not set: signing keys are sealed with the development key',
  );
}

const db = createDatabaseClient(PrismaClient, {
  ...databaseOptionsOf(config),
  logger,
  onPoolError: (error) => logger.warn({ err: error }, 'idle database connection failed'),
});
await db.verifyConnection();
// Fail-fast options: a request never waits in an offline queue for a Redis that is down.
const redis = createCacheRedisClient(config.REDIS_URL, { logger });
await once(redis, 'ready');

const identity = createIdentity({
  settings: config,
  // The primary only: sign-in and revocation must read their own writes.
  prisma: db.primary,
  redis,
  hasher: await createPasswordHasher({
    memoryCost: config.ARGON2_MEMORY_KIB,
    timeCost: config.ARGON2_TIME_COST,
    parallelism: config.ARGON2_PARALLELISM,
  }),
});
const app = await buildApp({
  identity,
  settings: config,
  logger,
  service: {
    ...serviceOptionsFromEnv(config),
    readinessChecks: [db.readinessCheck, redisReadinessCheck(redis)],
  },
});
app.addHook('onClose', async () => {
  await db.disconnect();
  await redis.quit();
});
await startService(app, startOptionsFromEnv(config));
