import pg from 'pg';

/**
 * A superuser pg pool for a test's own queries. `pool.end()` resolves before its connections
 * have closed, and the harness then drops the database, which sends those connections a FATAL
 * that the pool re-emits: an error event without a listener would crash the test run.
 */
export function testPool(url: string, max = 2): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max });
  pool.on('error', () => {});
  return pool;
}
