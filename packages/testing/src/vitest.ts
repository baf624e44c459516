import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import { PROVIDED_SERVICES_KEY } from './provided-services.ts';
import { requireServiceOrSkip } from './require-service.ts';
import { resolveService, type ServiceName, type ServiceResolution } from './resolve-services.ts';
import type { TemplateSpec } from './template-database.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { createTestRedis, type TestRedis } from './test-redis.ts';
import { TestingError } from './testing-error.ts';

/** A test file's own database; read its properties inside tests and later hooks. */
export interface PostgresHandle {
  readonly name: string;
  readonly url: string;
  /** The server's admin URL, for tests that create or inspect other databases. */
  readonly adminUrl: string;
}

/** A test file's own Redis key prefix; read its properties inside tests and later hooks. */
export interface RedisHandle {
  readonly url: string;
  readonly prefix: string;
  readonly client: Redis;
}

/** Migrations and, under CI, a container start may take longer than vitest's default 10 s. */
const SETUP_TIMEOUT_MS = 120_000;

const fallbacks = new Map<ServiceName, Promise<ServiceResolution>>();

/**
 * The run's resolution, from the global setup. Without it (a vitest config that does not register
 * the setup) each worker resolves for itself, but never starts containers: nothing would stop them.
 */
function resolutionFor(service: ServiceName): Promise<ServiceResolution> {
  const provided = inject(PROVIDED_SERVICES_KEY);
  if (provided !== undefined) return Promise.resolve(provided[service]);
  let fallback = fallbacks.get(service);
  if (fallback === undefined) {
    fallback = resolveService(service, { containers: false }).then(({ resolution }) =>
      resolution.status === 'ready'
        ? resolution
        : {
            ...resolution,
            reason: `${resolution.reason} (Containers start only from the @groundwork/testing global setup, which this vitest config does not register.)`,
          },
    );
    fallbacks.set(service, fallback);
  }
  return fallback;
}

const warned = new Set<string>();
function warnOnce(reason: string): void {
  if (warned.has(reason)) return;
  warned.add(reason);
  console.warn(`[@groundwork/testing] skipping: ${reason}`);
}

/**
 * Registers hooks that give the enclosing file or `describe` a resource: set up in `beforeAll`,
 * released in `afterAll`. A missing service skips each test with the reason, or under CI fails.
 */
function useResource<T>(
  service: ServiceName,
  caller: string,
  open: (url: string) => Promise<T>,
  close: (resource: T) => Promise<void>,
): () => T {
  let resource: T | undefined;
  let skipReason: string | undefined;
  beforeAll(async () => {
    const decision = requireServiceOrSkip(await resolutionFor(service));
    if (decision.status === 'skip') {
      skipReason = decision.reason;
      warnOnce(decision.reason);
      return;
    }
    resource = await open(decision.url);
  }, SETUP_TIMEOUT_MS);
  beforeEach((context) => {
    if (skipReason !== undefined) context.skip(skipReason);
  });
  afterAll(async () => {
    if (resource !== undefined) await close(resource);
    resource = undefined;
  }, SETUP_TIMEOUT_MS);
  return () => {
    if (resource !== undefined) return resource;
    throw new TestingError(
      skipReason === undefined ? 'TESTING_HANDLE_NOT_READY' : 'TESTING_SERVICE_UNAVAILABLE',
      skipReason ??
        `${caller}: the resource exists only inside tests and hooks that run after ${caller} ` +
          'set it up; read it there, not while the file is being collected.',
    );
  };
}

/**
 * Gives the enclosing test file (or `describe`) its own Postgres database, cloned from the
 * migrated `template` (or empty without one), and drops it afterwards. Call it at the top of the
 * file or `describe`, before hooks that read it. If a hook of yours reads it, wrap the file in
 * {@link describeWithServices}, so that a missing service skips instead of failing that hook.
 *
 * @example
 * ```ts
 * import { usePostgres } from '@groundwork/testing/vitest';
 *
 * const db = usePostgres({ template: ordersTemplate });
 *
 * test('when an order is placed, then it is stored', async () => {
 *   const pool = new pg.Pool({ connectionString: db.url });
 *   // ...
 * });
 * ```
 */
export function usePostgres(options: { readonly template?: TemplateSpec } = {}): PostgresHandle {
  const { template } = options;
  const current = useResource<{ readonly database: TestDatabase; readonly adminUrl: string }>(
    'postgres',
    'usePostgres()',
    async (adminUrl) => ({
      database: await createTestDatabase(
        template === undefined ? { adminUrl } : { adminUrl, template },
      ),
      adminUrl,
    }),
    ({ database }) => database.drop(),
  );
  return {
    get name() {
      return current().database.name;
    },
    get url() {
      return current().database.url;
    },
    get adminUrl() {
      return current().adminUrl;
    },
  };
}

/**
 * Gives the enclosing test file (or `describe`) its own Redis key prefix and an ioredis client
 * that uses it; afterwards deletes the prefix's keys (only those) and closes the client.
 *
 * @example
 * ```ts
 * import { useRedis } from '@groundwork/testing/vitest';
 *
 * const redis = useRedis();
 *
 * test('when a product is cached, then the next read hits the cache', async () => {
 *   const cache = createCache({ redis: redis.client });
 *   // ...
 * });
 * ```
 */
export function useRedis(): RedisHandle {
  const redis = useResource<TestRedis>(
    'redis',
    'useRedis()',
    (url) => createTestRedis({ url }),
    (handle) => handle.close(),
  );
  return {
    get url() {
      return redis().url;
    },
    get prefix() {
      return redis().prefix;
    },
    get client() {
      return redis().client;
    },
  };
}

/**
 * `describe` that is skipped as a whole, hooks included, when one of `services` is missing (or,
 * under CI, fails the file). The decision is made while the file is collected, from the global
 * setup's resolution; without the global setup it is an ordinary `describe`, and
 * `usePostgres`/`useRedis` skip test by test.
 *
 * @example
 * ```ts
 * describeWithServices('order repository', ['postgres'], () => {
 *   const db = usePostgres({ template: ordersTemplate });
 *   let repository: OrderRepository;
 *   beforeAll(() => {
 *     repository = createOrderRepository(db.url);
 *   });
 *   // tests ...
 * });
 * ```
 */
export function describeWithServices(
  name: string,
  services: readonly ServiceName[],
  factory: () => void,
): void {
  const provided = inject(PROVIDED_SERVICES_KEY);
  const reasons: string[] = [];
  for (const service of services) {
    const decision = provided === undefined ? undefined : requireServiceOrSkip(provided[service]);
    if (decision?.status === 'skip') reasons.push(decision.reason);
  }
  if (reasons.length === 0) {
    describe(name, factory);
    return;
  }
  for (const reason of reasons) warnOnce(reason);
  describe.skip(name, factory);
}
