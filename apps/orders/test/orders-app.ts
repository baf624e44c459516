import { randomUUID } from 'node:crypto';
import {
  createLocalKeyResolver,
  generateSigningKey,
  importSigningKey,
  type Role,
  type SigningKey,
  signAccessToken,
} from '@groundwork/auth';
import type { Service } from '@groundwork/service-kit';
import { usePostgres, useRedis } from '@groundwork/testing/vitest';
import type { LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import type pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { buildApp } from '../src/app.ts';
import { loadOrdersConfig } from '../src/config.ts';
import type { TenantDatabase } from '../src/data/tenant-database.ts';
import { ordersTemplate } from './orders-database.ts';
import { testPool } from './test-pool.ts';

export const TEST_ISSUER = 'https://identity.orders.test';

/** Who calls: a user of an organization with one role. */
export interface Caller {
  readonly org: string;
  readonly role: Role;
  readonly sub?: string;
}

export interface CallOptions {
  readonly as?: Caller;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
}

export interface OrdersApp {
  readonly app: Service;
  /** A superuser pool on the test database: sees every tenant, for arranging and asserting. */
  readonly admin: pg.Pool;
  readonly databaseUrl: string;
  readonly redisUrl: string;
  /** A client under this file's key prefix: `set('flags:<flag>:org:<org>', 'on')` flips a flag. */
  readonly redis: Redis;
  /** This file's Redis key prefix: give other caches namespaces under it, so they are cleaned up. */
  readonly redisPrefix: string;
  /** An HTTP call through `inject`, with a freshly signed token for `as`. */
  call(method: string, url: string, options?: CallOptions): Promise<LightMyRequestResponse>;
  tokenFor(caller: Caller): Promise<string>;
  /** Builds another app on the same database, e.g. with another Redis or role; closed afterwards. */
  buildAnother(
    env: Record<string, string>,
    deps?: { readonly redis?: Redis; readonly database?: TenantDatabase },
  ): Promise<Service>;
}

/** A new organization id: each test that wants isolation from the others makes its own. */
export const newOrg = () => randomUUID();

/**
 * The orders service over a database cloned from the migrated template and a Redis key prefix of
 * its own, with access tokens signed by a key only this file trusts. Call at the top of a
 * `describeWithServices(..., ['postgres', 'redis'], ...)`.
 */
export function useOrdersApp(): OrdersApp {
  const db = usePostgres({ template: ordersTemplate });
  const redis = useRedis();
  let key: SigningKey;
  let keys: ReturnType<typeof createLocalKeyResolver>;
  let app: Service | undefined;
  let admin: pg.Pool | undefined;
  const others: Service[] = [];

  const envOf = (overrides: Record<string, string> = {}) =>
    loadOrdersConfig({
      DATABASE_URL: db.url,
      REDIS_URL: redis.url,
      PRODUCT_CACHE_NAMESPACE: `${redis.prefix}product`,
      FEATURE_FLAGS_NAMESPACE: `${redis.prefix}flags`,
      TOKEN_ISSUER: TEST_ISSUER,
      LOG_LEVEL: 'silent',
      // A shared 2-core CI machine under 100 concurrent requests must not shed them.
      MAX_EVENT_LOOP_DELAY_MS: '0',
      ...overrides,
    });

  beforeAll(async () => {
    const generated = await generateSigningKey();
    key = await importSigningKey(generated.privateJwk);
    keys = createLocalKeyResolver({ keys: [generated.publicJwk] });
    app = await buildApp({ config: envOf(), keys });
    await app.ready();
    admin = testPool(db.url, 4);
  });
  afterAll(async () => {
    for (const other of others) await other.close();
    await app?.close();
    await admin?.end();
  });

  const tokenFor = async ({ org, role, sub }: Caller) =>
    (
      await signAccessToken(
        { sub: sub ?? `user-${role}`, org, roles: [role] },
        { key, issuer: TEST_ISSUER },
      )
    ).token;

  return {
    get app() {
      if (app === undefined) throw new Error('the orders app exists only inside tests');
      return app;
    },
    get admin() {
      if (admin === undefined) throw new Error('the admin pool exists only inside tests');
      return admin;
    },
    get databaseUrl() {
      return db.url;
    },
    get redisUrl() {
      return redis.url;
    },
    get redis() {
      return redis.client;
    },
    get redisPrefix() {
      return redis.prefix;
    },
    tokenFor,
    async call(method, url, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.as !== undefined) {
        headers.authorization = `Bearer ${await tokenFor(options.as)}`;
      }
      return this.app.inject({
        method: method as 'GET',
        url,
        headers,
        ...(options.body === undefined ? {} : { payload: options.body as object }),
      });
    },
    async buildAnother(env, deps = {}) {
      const other = await buildApp({ config: envOf(env), keys, ...deps });
      others.push(other);
      return other;
    },
  };
}

/** A product body that passes validation; override what the test is about. */
export function productBody(overrides: Record<string, unknown> = {}) {
  return {
    sku: `sku-${randomUUID().slice(0, 8)}`,
    name: 'Chair',
    description: 'A chair',
    priceMinor: 4_999,
    currency: 'EUR',
    stock: 10,
    ...overrides,
  };
}
