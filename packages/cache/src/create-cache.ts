import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from '@groundwork/logger';
import type { Redis } from 'ioredis';
import { cacheErrors } from './cache-errors.ts';
import { type EntryKeys, entryKeys } from './cache-keys.ts';
import { createRedisGuard } from './redis-guard.ts';
import { INVALIDATE, RELEASE_LOCK, runScript, STORE_IF_CURRENT } from './redis-scripts.ts';
import { createSingleFlight } from './single-flight.ts';

/** Turns values into the strings Redis stores, and back. */
export interface CacheCodec<V> {
  encode(value: V): string;
  decode(text: string): V;
}

/**
 * JSON, the default codec. Values must survive `JSON.stringify`: a `Date` comes back as a string,
 * a `bigint` cannot be stored. Pass your own codec for those.
 */
export function jsonCodec<V>(): CacheCodec<V> {
  return { encode: (value) => JSON.stringify(value), decode: (text) => JSON.parse(text) as V };
}

export interface CacheOptions<V> {
  /** The ioredis client; the cache never closes it. See `createCacheRedisClient` for its options. */
  readonly redis: Redis;
  /**
   * Prefix of every key, e.g. `orders:product:v1`. Change the version part when the shape of the
   * cached values changes, so a deploy never reads entries the previous release wrote.
   */
  readonly namespace: string;
  /** TTL of an entry unless `getOrLoad` says otherwise: the longest a missed invalidation can live. */
  readonly defaultTtlSeconds: number;
  readonly logger: Logger;
  /** Default JSON; see {@link jsonCodec}. */
  readonly codec?: CacheCodec<V>;
  /** Entries get a TTL up to this fraction shorter, so entries filled together do not expire together. Default 0.1. */
  readonly ttlJitter?: number;
  /** Longest wait for one Redis operation before the read goes to the loader. Default 200 ms. */
  readonly redisTimeoutMs?: number;
  /** Redis failures in a row after which the cache stops trying it for `redisCooldownMs`. Default 3. */
  readonly redisFailureThreshold?: number;
  /** Default 1000 ms. */
  readonly redisCooldownMs?: number;
  /** How long the lock of a loader filling a cold entry lives if that loader dies. Default 5000 ms. */
  readonly lockTtlMs?: number;
  /** How long other instances wait for that loader before loading themselves. Default 1000 ms. */
  readonly lockWaitMs?: number;
  /** How often waiting instances look for the value. Default 20 ms. */
  readonly lockPollMs?: number;
}

export interface GetOrLoadOptions {
  /** Overrides `defaultTtlSeconds` for this entry. */
  readonly ttlSeconds?: number;
}

/** Counters since the cache was created; a later observability layer exports them. */
export interface CacheStats {
  /** Reads answered from Redis. */
  readonly hits: number;
  /** Reads that Redis answered without a value. */
  readonly misses: number;
  /** Loader calls: the reads that reached the source of truth. */
  readonly loads: number;
  /** Redis operations that failed or timed out, and stored values that could not be decoded or encoded. */
  readonly errors: number;
  /** Reads that skipped Redis: it was down, the breaker was open, or the key's invalidation was still undelivered. */
  readonly bypasses: number;
  /** Loaded values that were not stored because their key was invalidated while they loaded. */
  readonly staleLoadsDiscarded: number;
  /** Invalidations that have not reached Redis yet; they are delivered as soon as it answers. */
  readonly pendingInvalidations: number;
}

export interface Cache<V> {
  /**
   * The value of `key`: from Redis, or from `loader`, whose result is then stored. Never fails
   * because of Redis; a loader error reaches every caller waiting on that load and is not cached.
   * Concurrent calls for one key in this process share one load (the first caller's loader).
   * A loader result of `undefined` is returned but not stored; `null` is stored.
   */
  getOrLoad(key: string, loader: () => Promise<V> | V, options?: GetOrLoadOptions): Promise<V>;
  /**
   * Drops `key`'s entry. Call it after the transaction that changed the data commits: from then
   * on no read returns the old value, including one whose load read the old row before the
   * commit. Never fails; when Redis is unreachable the invalidation is kept and delivered (before
   * this instance reads Redis again) once it answers.
   */
  invalidate(key: string): Promise<void>;
  readonly stats: CacheStats;
  /** Stops listening to the client's events. The client stays open: its owner closes it. */
  close(): void;
}

/** An invalidation must outlive every load that began before it; longer loads are not stored. */
const GENERATION_TTL_MS = 10 * 60_000;
const MAX_STORED_LOAD_MS = GENERATION_TTL_MS / 2;
const PENDING_DELIVERY_BATCH = 100;
/** Past this many undelivered invalidations the oldest are dropped: their entries then live out their TTL. */
const MAX_PENDING_INVALIDATIONS = 10_000;

type Lookup<V> = { readonly found: true; readonly value: V } | { readonly found: false };
const NOT_FOUND = { found: false } as const;

/**
 * A cache-aside cache in Redis for one kind of value, such as products. Reads try Redis and on a
 * miss call the loader once across the fleet (a short Redis lock; in-process calls share one
 * flight), store the result with a jittered TTL, and return it. Writes call `invalidate` after
 * their commit; a per-entry generation stops a load that read the old row from storing it
 * afterwards. When Redis fails or hangs, reads go straight to the loader.
 *
 * @example
 * ```ts
 * const products = createCache<Product>({
 *   redis: createCacheRedisClient(config.REDIS_URL, { logger }),
 *   namespace: 'orders:product:v1',
 *   defaultTtlSeconds: 300,
 *   logger,
 * });
 *
 * const product = await products.getOrLoad(`${orgId}:${id}`, () => repository.findProduct(orgId, id));
 *
 * await repository.updateProduct(orgId, id, changes); // commits
 * await products.invalidate(`${orgId}:${id}`);
 * ```
 */
export function createCache<V>(options: CacheOptions<V>): Cache<V> {
  const settings = checkOptions(options);
  const { redis, namespace } = options;
  const codec = options.codec ?? jsonCodec<V>();
  const logger = options.logger.child({ component: 'cache', namespace });
  const guard = createRedisGuard({
    redis,
    logger,
    timeoutMs: settings.redisTimeoutMs,
    failureThreshold: settings.redisFailureThreshold,
    cooldownMs: settings.redisCooldownMs,
  });
  const flights = createSingleFlight<V>();
  const counts = { hits: 0, misses: 0, loads: 0, errors: 0, bypasses: 0, staleLoadsDiscarded: 0 };
  /** Undelivered invalidations: key → sequence number of the newest one. */
  const pending = new Map<string, number>();
  let invalidations = 0;
  let delivering: Promise<void> | undefined;

  async function guarded<T>(operation: string, command: () => Promise<T>) {
    const result = await guard.run(operation, command);
    if (!result.ok && result.outcome === 'failed') counts.errors += 1;
    return result;
  }

  async function load(loader: () => Promise<V> | V): Promise<V> {
    counts.loads += 1;
    return loader();
  }

  function decode(payload: string, key: string): Lookup<V> {
    try {
      return { found: true, value: codec.decode(payload) };
    } catch (error) {
      counts.errors += 1;
      const err = cacheErrors.CACHE_VALUE_UNREADABLE.create(undefined, { cause: error });
      logger.warn({ key, err }, 'cache: stored value unreadable; loading it again');
      return NOT_FOUND;
    }
  }

  function deliverInvalidation(key: string): Promise<boolean> {
    const keys = entryKeys(namespace, key);
    return guarded('invalidate', () =>
      runScript(
        redis,
        INVALIDATE,
        [keys.value, keys.generation, keys.lock],
        [randomBytes(12).toString('base64url'), GENERATION_TTL_MS],
      ),
    ).then((result) => result.ok);
  }

  function keepPending(key: string, sequence: number): void {
    if ((pending.get(key) ?? 0) > sequence) return;
    pending.delete(key); // re-inserted last, so the map stays in age order
    pending.set(key, sequence);
    for (const [oldest] of pending) {
      if (pending.size <= MAX_PENDING_INVALIDATIONS) break;
      pending.delete(oldest);
      logger.error({ key: oldest }, 'cache: too many undelivered invalidations; dropped one');
    }
  }

  /** Delivers the invalidations that failed; resolves when the attempt is over, whatever its outcome. */
  function deliverPending(): Promise<void> {
    if (pending.size === 0) return Promise.resolve();
    delivering ??= (async () => {
      const snapshot = [...pending];
      for (let start = 0; start < snapshot.length; start += PENDING_DELIVERY_BATCH) {
        const batch = snapshot.slice(start, start + PENDING_DELIVERY_BATCH);
        const delivered = await Promise.all(batch.map(([key]) => deliverInvalidation(key)));
        batch.forEach(([key, sequence], index) => {
          // A newer failed invalidation of the key (higher sequence) must stay pending.
          if (delivered[index] && pending.get(key) === sequence) pending.delete(key);
        });
        if (delivered.includes(false)) return;
      }
    })().finally(() => {
      delivering = undefined;
    });
    return delivering;
  }

  async function waitForOtherLoader(key: string, keys: EntryKeys): Promise<Lookup<V>> {
    const deadline = Date.now() + settings.lockWaitMs;
    while (Date.now() < deadline) {
      await sleep(settings.lockPollMs);
      const polled = await guarded('poll', () => redis.mget(keys.value, keys.lock));
      if (!polled.ok) return NOT_FOUND;
      const [payload, lock] = polled.value;
      if (payload != null) return decode(payload, key);
      // The loader is gone without storing: its value was invalidated, or it failed.
      if (lock == null) return NOT_FOUND;
    }
    return NOT_FOUND;
  }

  async function store(
    key: string,
    keys: EntryKeys,
    value: V,
    generation: string,
    lockToken: string,
    ttlMs: number,
  ): Promise<void> {
    let encoded: string | undefined;
    if (value !== undefined) {
      try {
        encoded = codec.encode(value);
      } catch (error) {
        counts.errors += 1;
        logger.warn({ key, err: error }, 'cache: value cannot be encoded; not stored');
      }
    }
    if (encoded === undefined) {
      if (lockToken !== '') await releaseLock(keys, lockToken);
      return;
    }
    const result = await guarded('store', () =>
      runScript(
        redis,
        STORE_IF_CURRENT,
        [keys.value, keys.generation, keys.lock],
        [generation, encoded, ttlMs, lockToken],
      ),
    );
    if (result.ok && result.value === 0) counts.staleLoadsDiscarded += 1;
  }

  async function releaseLock(keys: EntryKeys, lockToken: string): Promise<void> {
    await guarded('unlock', () => runScript(redis, RELEASE_LOCK, [keys.lock], [lockToken]));
  }

  async function loadAndStore(
    key: string,
    keys: EntryKeys,
    generation: { readonly value: string; readonly readAt: number },
    loader: () => Promise<V> | V,
    ttlMs: number,
  ): Promise<V> {
    const token = randomBytes(12).toString('base64url');
    const locked = await guarded('lock', () =>
      redis.set(keys.lock, token, 'PX', settings.lockTtlMs, 'NX'),
    );
    const lockToken = locked.ok && locked.value === 'OK' ? token : '';
    if (locked.ok && lockToken === '') {
      const filled = await waitForOtherLoader(key, keys);
      if (filled.found) return filled.value;
    }
    let value: V;
    try {
      value = await load(loader);
    } catch (error) {
      if (lockToken !== '') await releaseLock(keys, lockToken);
      throw error;
    }
    if (Date.now() - generation.readAt < MAX_STORED_LOAD_MS) {
      await store(key, keys, value, generation.value, lockToken, ttlMs);
    } else if (lockToken !== '') {
      await releaseLock(keys, lockToken);
    }
    return value;
  }

  async function readThrough(key: string, loader: () => Promise<V> | V, ttlMs: number): Promise<V> {
    if (pending.size > 0) {
      const delivery = deliverPending();
      // Only this key's own undelivered invalidation must be waited for; other keys read on.
      if (pending.has(key)) await delivery;
      if (pending.has(key)) {
        counts.bypasses += 1;
        return load(loader);
      }
    }
    const keys = entryKeys(namespace, key);
    // The generation is read before the loader runs, so a load that reads the old row carries a
    // generation that the invalidation after the write has already replaced.
    const readAt = Date.now();
    const read = await guarded('read', () => redis.mget(keys.value, keys.generation));
    if (!read.ok) {
      if (read.outcome === 'skipped') counts.bypasses += 1;
      return load(loader);
    }
    const [payload, generation] = read.value;
    if (payload != null) {
      const cached = decode(payload, key);
      if (cached.found) {
        counts.hits += 1;
        return cached.value;
      }
    }
    counts.misses += 1;
    return loadAndStore(key, keys, { value: generation ?? '', readAt }, loader, ttlMs);
  }

  function onReady(): void {
    guard.connected();
    void deliverPending();
  }
  redis.on('ready', onReady);

  return {
    async getOrLoad(key, loader, callOptions = {}) {
      checkKey(key);
      const ttlSeconds = callOptions.ttlSeconds ?? settings.defaultTtlSeconds;
      checkPositive('ttlSeconds', ttlSeconds);
      const ttlMs = Math.max(
        1,
        Math.round(ttlSeconds * 1000 * (1 - settings.ttlJitter * Math.random())),
      );
      return flights.run(key, () => readThrough(key, loader, ttlMs));
    },
    async invalidate(key) {
      checkKey(key);
      // Callers arriving from now on must not join a load that may have read the old row.
      flights.forget(key);
      invalidations += 1;
      const sequence = invalidations;
      if (await deliverInvalidation(key)) {
        // Supersedes undelivered invalidations that began before this one, never a newer one.
        if ((pending.get(key) ?? Number.POSITIVE_INFINITY) < sequence) pending.delete(key);
      } else {
        keepPending(key, sequence);
      }
    },
    get stats() {
      return { ...counts, pendingInvalidations: pending.size };
    },
    close() {
      redis.off('ready', onReady);
    },
  };
}

interface Settings {
  readonly defaultTtlSeconds: number;
  readonly ttlJitter: number;
  readonly redisTimeoutMs: number;
  readonly redisFailureThreshold: number;
  readonly redisCooldownMs: number;
  readonly lockTtlMs: number;
  readonly lockWaitMs: number;
  readonly lockPollMs: number;
}

const NAMESPACE = /^[^\s{}]+$/;

function checkOptions<V>(options: CacheOptions<V>): Settings {
  if (!NAMESPACE.test(options.namespace)) {
    throw new TypeError(
      `createCache: namespace must be non-empty, without spaces or braces (got "${options.namespace}")`,
    );
  }
  const ttlJitter = options.ttlJitter ?? 0.1;
  if (!(ttlJitter >= 0 && ttlJitter < 1)) {
    throw new TypeError(`createCache: ttlJitter must be in [0, 1) (got ${ttlJitter})`);
  }
  const redisFailureThreshold = options.redisFailureThreshold ?? 3;
  if (!Number.isInteger(redisFailureThreshold) || redisFailureThreshold < 1) {
    throw new TypeError(
      `createCache: redisFailureThreshold must be a positive integer (got ${redisFailureThreshold})`,
    );
  }
  return {
    defaultTtlSeconds: checkPositive('defaultTtlSeconds', options.defaultTtlSeconds),
    ttlJitter,
    redisTimeoutMs: checkPositive('redisTimeoutMs', options.redisTimeoutMs ?? 200),
    redisFailureThreshold,
    redisCooldownMs: checkPositive('redisCooldownMs', options.redisCooldownMs ?? 1000),
    lockTtlMs: checkPositive('lockTtlMs', options.lockTtlMs ?? 5000),
    lockWaitMs: checkPositive('lockWaitMs', options.lockWaitMs ?? 1000),
    lockPollMs: checkPositive('lockPollMs', options.lockPollMs ?? 20),
  };
}

function checkPositive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new TypeError(`createCache: ${name} must be a positive number (got ${value})`);
  }
  return value;
}

function checkKey(key: string): void {
  if (typeof key !== 'string' || key === '') {
    throw new TypeError('cache: a key must be a non-empty string');
  }
}
