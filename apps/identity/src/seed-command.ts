import { createDatabaseClient } from '@groundwork/db';
import { loadIdentityConfig } from './config.ts';
import { databaseOptionsOf } from './data/db.ts';
import { createIdentityStore } from './data/identity-store.ts';
import { seedDemoData } from './demo-data.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createPasswordHasher } from './security/password-hasher.ts';

/**
 * `npm run db:seed` (all services) or `npm run db:seed -w @groundwork/identity`: the demo
 * organizations, accounts and service client of the README's "Demo data". Safe to run again.
 * Refused in production: the demo passwords are published.
 */
const config = loadIdentityConfig();
if (config.NODE_ENV === 'production') {
  console.error('db:seed refused: NODE_ENV is production, and the demo passwords are public.');
  process.exit(1);
}
const db = createDatabaseClient(PrismaClient, {
  ...databaseOptionsOf(config),
  applicationName: 'identity-seed',
});
try {
  await db.verifyConnection();
  const report = await seedDemoData({
    store: createIdentityStore(db.primary),
    // The service's own parameters: a seeded hash is never rehashed at its first sign-in.
    hasher: await createPasswordHasher({
      memoryCost: config.ARGON2_MEMORY_KIB,
      timeCost: config.ARGON2_TIME_COST,
      parallelism: config.ARGON2_PARALLELISM,
    }),
  });
  process.stdout.write(
    `identity demo data created (0: it was there already): users ${report.users}, ` +
      `organizations ${report.organizations}, memberships ${report.memberships}, ` +
      `service clients ${report.clients}. Accounts: apps/identity/README.md, "Demo data".\n`,
  );
} finally {
  await db.disconnect();
}
