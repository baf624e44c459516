import { createDatabaseClient } from '@groundwork/db';
import { createLogger } from '@groundwork/logger';
import { Redis } from 'ioredis';
import { buildApp, createIdentity, type Identity } from './app.ts';
import { loadIdentityConfig } from './config.ts';
import { databaseOptionsOf } from './data/db.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createPasswordHasher } from './security/password-hasher.ts';

/**
 * Identity's OpenAPI document, built offline: the app is wired as main.ts wires it, from the
 * default config, with connections that are never opened. It is made ready (the document is
 * assembled then) without the boot-time key rotation, the only ready work that
 * needs the database. `npm run api:check` merges it with the other services' into
 * `docs/api/openapi.json`.
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const config = loadIdentityConfig({});
  const db = createDatabaseClient(PrismaClient, databaseOptionsOf(config));
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
  const wired = createIdentity({
    settings: config,
    prisma: db.primary,
    redis,
    // No password is hashed: the cheapest parameters keep the up-front dummy hash instant.
    hasher: await createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  });
  const identity: Identity = {
    ...wired,
    useCases: {
      ...wired.useCases,
      rotateSigningKeys: { ...wired.useCases.rotateSigningKeys, ifDue: async () => NO_ROTATION },
    },
  };
  const app = await buildApp({
    identity,
    settings: config,
    logger: createLogger({ service: 'identity', level: 'silent' }),
  });
  try {
    await app.ready();
    // What the service serves at /openapi.json. `swagger()` is @fastify/swagger's decorator, which
    // the kit registers; its type augmentation is the kit's, not visible from compiled packages.
    return (app as unknown as { swagger(): Record<string, unknown> }).swagger();
  } finally {
    await app.close();
    await db.disconnect();
    redis.disconnect();
  }
}

const NO_ROTATION = {
  created: [],
  rotated: null,
  deleted: [],
  notBefore: null,
  activeKid: null,
  nextKid: null,
};
