import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, inject } from 'vitest';
import { PROVIDED_SERVICES_KEY } from './provided-services.ts';
import {
  findRedisServer,
  NO_REDIS_SERVER_REASON,
  type RedisServer,
  type RedisServerOptions,
  startRedisServer,
} from './redis-server.ts';
import { requireServiceOrSkip, skipOutsideCi } from './require-service.ts';
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

/** A resource, or why its tests skip (`skipOutsideCi` has already failed a CI run instead). */
type Opening<T> =
  | { readonly status: 'ready'; readonly resource: T }
  | { readonly status: 'skip'; readonly reason: string };

/** Opens a resource on the run's `service`, or skips (under CI fails) when it is missing. */
async function openOnService<T>(
  service: ServiceName,
  open: (url: string) => Promise<T>,
): Promise<Opening<T>> {
  const decision = requireServiceOrSkip(await resolutionFor(service));
  if (decision.status === 'skip') return decision;
  return { status: 'ready', resource: await open(decision.url) };
}

/**
 * Registers hooks that give the enclosing file or `describe` a resource: set up in `beforeAll`,
 * released in `afterAll`, and readied by `beforeEachTest` (if given) before each test. A missing
 * service skips each test with the reason, or under CI fails.
 */
function useResource<T>(
  caller: string,
  open: () => Promise<Opening<T>>,
  close: (resource: T) => Promise<void>,
  beforeEachTest?: (resource: T) => Promise<void>,
): () => T {
  let resource: T | undefined;
  let skipReason: string | undefined;
  beforeAll(async () => {
    const opening = await open();
    if (opening.status === 'skip') {
      skipReason = opening.reason;
      warnOnce(opening.reason);
      return;
    }
    resource = opening.resource;
  }, SETUP_TIMEOUT_MS);
  beforeEach(async (context) => {
    if (skipReason !== undefined) context.skip(skipReason);
    if (resource !== undefined) await beforeEachTest?.(resource);
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
    'usePostgres()',
    () =>
      openOnService('postgres', async (adminUrl) => ({
        database: await createTestDatabase(
          template === undefined ? { adminUrl } : { adminUrl, template },
        ),
        adminUrl,
      })),
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
    'useRedis()',
    () => openOnService('redis', (url) => createTestRedis({ url })),
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
 * Gives the enclosing test file (or `describe`) a redis-server of its own (see
 * `startRedisServer`), for tests that change server settings or kill, freeze and restart the
 * server, which the shared Redis must never suffer. Each test starts with the server running,
 * whatever the test before did to it; it is stopped after the last one. Without a redis-server
 * binary each test is skipped with the reason, or under CI fails, as for a missing service.
 * Read its properties inside tests and later hooks.
 *
 * @example
 * ```ts
 * import { useRedisServer } from '@groundwork/testing/vitest';
 *
 * const server = useRedisServer();
 *
 * test('when Redis is killed, then reads fall back to the loader', async () => {
 *   const cache = createCache({ redis: new Redis(server.url) });
 *   await server.kill();
 *   // ...
 * });
 * ```
 */
export function useRedisServer(options: RedisServerOptions = {}): RedisServer {
  const server = useResource<RedisServer>(
    'useRedisServer()',
    async () => {
      const binary = options.binary ?? findRedisServer();
      if (binary === undefined) return skipOutsideCi(NO_REDIS_SERVER_REASON);
      return { status: 'ready', resource: await startRedisServer({ ...options, binary }) };
    },
    (started) => started.stop(),
    async (started) => {
      if (!started.running) await started.restart();
    },
  );
  return {
    get url() {
      return server().url;
    },
    get port() {
      return server().port;
    },
    get running() {
      return server().running;
    },
    kill: () => server().kill(),
    freeze: () => server().freeze(),
    thaw: () => server().thaw(),
    restart: () => server().restart(),
    stop: () => server().stop(),
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
