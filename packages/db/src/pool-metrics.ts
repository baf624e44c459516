import type { MetricsRegistry } from '@groundwork/telemetry';
import type pg from 'pg';

/** A pool and the value of its `pool` label. */
export interface NamedPool {
  readonly name: string;
  readonly pool: pg.Pool;
}

/**
 * Publishes the usage of connection pools, read at scrape time:
 *
 * - `db_pool_connections{pool, state}`: open connections, `state` `idle` or `used` (their sum is
 *   pg's `totalCount`);
 * - `db_pool_max_connections{pool}`: the pool's limit (`used` near it means the pool is the
 *   bottleneck);
 * - `db_pool_pending_requests{pool}`: callers waiting for a connection (pg's `waitingCount`);
 *   above zero for long, requests queue and then fail with DB_UNAVAILABLE.
 *
 * `createDatabaseClient` calls it for its primary and replica pools.
 *
 * @returns a function that removes the pools from the scrapes (call it when they close).
 * @example
 * const stop = observePoolUsage(defaultMetricsRegistry(), [{ name: 'orders', pool }]);
 */
export function observePoolUsage(registry: MetricsRegistry, pools: readonly NamedPool[]) {
  const stops = [
    registry.observe(
      {
        name: 'db_pool_connections',
        help: 'Open connections of each database pool, by state (idle or used).',
        labelNames: ['pool', 'state'],
      },
      (report) => {
        for (const { name, pool } of pools) {
          report(pool.idleCount, { pool: name, state: 'idle' });
          report(pool.totalCount - pool.idleCount, { pool: name, state: 'used' });
        }
      },
    ),
    registry.observe(
      {
        name: 'db_pool_max_connections',
        help: 'Connection limit of each database pool.',
        labelNames: ['pool'],
      },
      (report) => {
        for (const { name, pool } of pools) report(pool.options.max, { pool: name });
      },
    ),
    registry.observe(
      {
        name: 'db_pool_pending_requests',
        help: 'Callers waiting for a connection of each database pool.',
        labelNames: ['pool'],
      },
      (report) => {
        for (const { name, pool } of pools) report(pool.waitingCount, { pool: name });
      },
    ),
  ];
  return () => {
    for (const stop of stops) stop();
  };
}
