import { parseArgs } from 'node:util';
import { createDatabaseClient } from '@groundwork/db';
import { Redis } from 'ioredis';
import { createIdentity } from './app.ts';
import { loadIdentityConfig } from './config.ts';
import { PrismaClient } from './generated/prisma/client.ts';
import { createPasswordHasher } from './security/password-hasher.ts';

/**
 * `npm run clients:register -w @groundwork/identity -- --org <uuid> --name billing --scopes orders:read,catalog:read`
 * Prints the client id and secret once; only the secret's hash is stored.
 */
const { values } = parseArgs({
  options: {
    org: { type: 'string' },
    name: { type: 'string' },
    scopes: { type: 'string', default: '' },
  },
});
if (!values.org || !values.name) {
  console.error('Usage: clients:register --org <organization id> --name <name> --scopes a,b');
  process.exit(2);
}
const config = loadIdentityConfig();
const db = createDatabaseClient(PrismaClient, { url: config.DATABASE_URL, poolSize: 1 });
const redis = new Redis(config.REDIS_URL, { lazyConnect: true });
try {
  const identity = createIdentity({
    settings: config,
    prisma: db.primary,
    redis,
    hasher: await createPasswordHasher({ memoryCost: 1024, timeCost: 1, parallelism: 1 }),
  });
  const client = await identity.useCases.registerServiceClient({
    orgId: values.org,
    name: values.name,
    scopes: values.scopes.split(',').filter((scope) => scope !== ''),
  });
  process.stdout.write(`${JSON.stringify(client, null, 2)}\n`);
} finally {
  redis.disconnect();
  await db.disconnect();
}
