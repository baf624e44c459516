import { createDatabaseClient } from '@groundwork/db';
import type { Logger } from '@groundwork/logger';
import { Redis } from 'ioredis';
import { createIdentity } from './app.ts';
import { type IdentityConfig, loadIdentityConfig } from './config.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createPasswordHasher, PRODUCTION_ARGON2 } from './security/password-hasher.ts';
import type { RotationReport } from './use-cases/rotate-signing-keys.ts';

// A scheduler in another process (apps/worker) reads identity's settings with identity's schema,
// once at its boot, and passes them as `config`.
export { type IdentityConfig, loadIdentityConfig } from './config.ts';
export type { RotationReport } from './use-cases/rotate-signing-keys.ts';

export interface KeyRotationJobOptions {
  /** `if-due`: the scheduler's call (every hour, say); `now`: the manual command. */
  readonly mode: 'if-due' | 'now';
  readonly config?: IdentityConfig;
  readonly logger?: Logger;
}

/**
 * One step of the signing key life cycle against the identity database, outside the HTTP
 * service: the worker's scheduler calls it with `if-due`, `npm run keys:rotate` with `now`. Safe
 * to run anywhere and concurrently: the step takes an advisory lock.
 *
 * @example
 * // apps/worker, a repeatable job every hour
 * import { runKeyRotationJob } from '@groundwork/identity/key-rotation-job';
 * await runKeyRotationJob({ mode: 'if-due', logger });
 */
export async function runKeyRotationJob(options: KeyRotationJobOptions): Promise<RotationReport> {
  const config = options.config ?? loadIdentityConfig();
  const db = createDatabaseClient(PrismaClient, {
    url: config.DATABASE_URL,
    poolSize: 1,
    applicationName: 'identity-key-rotation',
  });
  // Rotation never touches Redis; the client exists for the wiring and never connects.
  const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
  try {
    await db.verifyConnection();
    const identity = createIdentity({
      settings: config,
      prisma: db.primary,
      redis,
      // Nor does it hash passwords: the cheapest valid hasher will do.
      hasher: await createPasswordHasher({ ...PRODUCTION_ARGON2, memoryCost: 1024, timeCost: 1 }),
    });
    const rotation = identity.useCases.rotateSigningKeys;
    const report = await (options.mode === 'now' ? rotation.now() : rotation.ifDue());
    options.logger?.info({ signingKeys: report }, 'signing key rotation step done');
    return report;
  } finally {
    redis.disconnect();
    await db.disconnect();
  }
}
