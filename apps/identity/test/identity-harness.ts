import { createDatabaseClient, type DatabaseClient } from '@groundwork/db';
import { createLogger } from '@groundwork/logger';
import type { Service } from '@groundwork/service-kit';
import { usePostgres, useRedis } from '@groundwork/testing/vitest';
import { Redis } from 'ioredis';
import { afterAll, beforeAll } from 'vitest';
import { buildApp, createIdentity, type Identity } from '../src/app.ts';
import { type IdentityConfig, loadIdentityConfig } from '../src/config.ts';
import { databaseOptionsOf } from '../src/data/db.ts';
import { PrismaClient } from '../src/generated/prisma/client.ts';
import {
  type Argon2Parameters,
  createPasswordHasher,
  type PasswordHasher,
} from '../src/security/password-hasher.ts';
import { identityTemplate } from './identity-database.ts';

export const TEST_ISSUER = 'http://identity.test';

/**
 * argon2id at its lowest cost: the suite hashes hundreds of passwords. Production parameters are
 * the code's defaults (PRODUCTION_ARGON2); the timing test uses them.
 */
export const FAST_ARGON2: Argon2Parameters = { memoryCost: 1024, timeCost: 1, parallelism: 1 };

export interface IdentityInstance {
  readonly app: Service;
  readonly identity: Identity;
  readonly config: IdentityConfig;
  /** The instance's own pool (DATABASE_POOL_SIZE, DATABASE_CONNECTION_TIMEOUT_MS). */
  readonly db: DatabaseClient<PrismaClient>;
  readonly redis: Redis;
  close(): Promise<void>;
}

export interface StartOptions {
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** The test file's key prefix: instances that share it share throttles and the deny-list. */
  readonly redisPrefix: string;
  readonly env?: Record<string, string>;
  readonly argon2?: Argon2Parameters;
  /** Replaces the argon2id hasher built from `argon2`, e.g. to count its work. */
  readonly hasher?: PasswordHasher;
  readonly now?: () => Date;
  /** Hooks a test adds before the app is ready (Fastify refuses them afterwards). */
  readonly configure?: (app: Service) => void;
}

/** One identity instance as main.ts wires it, on the test's database and Redis prefix. */
export async function startIdentity(options: StartOptions): Promise<IdentityInstance> {
  const config = loadIdentityConfig({
    TOKEN_ISSUER: TEST_ISSUER,
    DATABASE_URL: options.databaseUrl,
    // Several instances share one PostgreSQL per test file: a small pool each.
    DATABASE_POOL_SIZE: '5',
    // A loaded test runner's second-long stall must not shed the request under test (seen in CI).
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...options.env,
  });
  const db: DatabaseClient<PrismaClient> = createDatabaseClient(
    PrismaClient,
    databaseOptionsOf(config),
  );
  const redis = new Redis(options.redisUrl, { keyPrefix: options.redisPrefix });
  const identity = createIdentity({
    settings: config,
    prisma: db.primary,
    redis,
    hasher: options.hasher ?? (await createPasswordHasher(options.argon2 ?? FAST_ARGON2)),
    ...(options.now ? { now: options.now } : {}),
  });
  const app = await buildApp({
    identity,
    settings: config,
    logger: createLogger({ service: 'identity', level: 'silent' }),
    service: { docs: true },
  });
  options.configure?.(app);
  await app.ready();
  return {
    app,
    identity,
    config,
    db,
    redis,
    async close() {
      await app.close();
      await db.disconnect();
      redis.disconnect();
    },
  };
}

/** What a test file chooses; the database and Redis prefix are the file's own. */
export type UseIdentityOptions = Omit<StartOptions, 'databaseUrl' | 'redisUrl' | 'redisPrefix'>;

/** The file's instance; its fields are readable only inside tests and hooks. */
export interface IdentityHandle extends Omit<IdentityInstance, 'close'> {
  readonly databaseUrl: string;
}

/**
 * One identity instance over a database cloned from the migrated template and a Redis key prefix
 * of its own, started before the file's own `beforeAll` hooks and closed after its tests. Call at
 * the top of a `describeWithServices(..., ['postgres', 'redis'], ...)`.
 */
export function useIdentity(options: UseIdentityOptions = {}): IdentityHandle {
  const db = usePostgres({ template: identityTemplate });
  const redis = useRedis();
  let instance: IdentityInstance | undefined;

  beforeAll(async () => {
    instance = await startIdentity({
      databaseUrl: db.url,
      redisUrl: redis.url,
      redisPrefix: redis.prefix,
      ...options,
    });
  });
  afterAll(async () => {
    await instance?.close();
  });

  const started = (): IdentityInstance => {
    if (instance === undefined) throw new Error('the identity instance exists only inside tests');
    return instance;
  };
  return {
    get app() {
      return started().app;
    },
    get identity() {
      return started().identity;
    },
    get config() {
      return started().config;
    },
    get db() {
      return started().db;
    },
    get redis() {
      return started().redis;
    },
    get databaseUrl() {
      return db.url;
    },
  };
}

let counter = 0;
/** A fresh address per call, so tests never share a throttle counter by accident. */
export function uniqueEmail(label = 'user'): string {
  counter += 1;
  return `${label}-${process.pid}-${counter}-${Math.random().toString(36).slice(2, 8)}@example.test`;
}

export const PASSWORD = 'correct horse battery staple';

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

export interface SignedIn {
  readonly userId: string;
  readonly email: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

/** Registers a user and signs in, optionally for an organization it belongs to. */
export async function registerAndLogIn(
  app: Service,
  options: { email?: string; organizationId?: string; remoteAddress?: string } = {},
): Promise<SignedIn> {
  const email = options.email ?? uniqueEmail();
  const registered = await app.inject({
    method: 'POST',
    url: '/v1/auth/register',
    payload: { email, password: PASSWORD },
  });
  if (registered.statusCode !== 201) throw new Error(`register: ${registered.body}`);
  const tokens = await logIn(app, email, options);
  return { userId: registered.json().id, email, ...tokens };
}

export async function logIn(
  app: Service,
  email: string,
  options: { organizationId?: string; remoteAddress?: string } = {},
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/auth/login',
    ...(options.remoteAddress ? { remoteAddress: options.remoteAddress } : {}),
    payload: {
      email,
      password: PASSWORD,
      ...(options.organizationId ? { organizationId: options.organizationId } : {}),
    },
  });
  if (response.statusCode !== 200) throw new Error(`login: ${response.body}`);
  return response.json();
}

/** Trades a session's refresh token for tokens acting in `organizationId`. */
export async function switchOrganization(
  app: Service,
  refreshToken: string,
  organizationId: string | null,
): Promise<{ accessToken: string; refreshToken: string }> {
  const response = await app.inject({
    method: 'POST',
    url: '/v1/auth/refresh',
    payload: { refreshToken, organizationId },
  });
  if (response.statusCode !== 200) throw new Error(`refresh: ${response.body}`);
  return response.json();
}
