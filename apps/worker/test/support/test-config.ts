import { loadWorkerConfig, type WorkerConfig } from '../../src/config.ts';

/**
 * The worker's config as tests run it: real services, quick retries and polling, quiet logs.
 * Each test file passes its own database, Redis prefix and outbox sources.
 */
export function testConfig(env: Record<string, string>): WorkerConfig {
  return loadWorkerConfig({
    LOG_LEVEL: 'silent',
    DATABASE_POOL_SIZE: '5',
    JOB_CONCURRENCY: '5',
    JOB_ATTEMPTS: '3',
    JOB_BACKOFF_INITIAL_MS: '20',
    JOB_BACKOFF_MAX_MS: '200',
    OUTBOX_POLL_INTERVAL_MS: '200',
    JOB_SHUTDOWN_TIMEOUT_MS: '2000',
    // The scheduled jobs reach orders' and identity's databases: only their tests turn them on.
    MAINTENANCE_JOBS: 'none',
    // A loaded test runner's second-long stall must not shed /health or /metrics.
    MAX_EVENT_LOOP_DELAY_MS: '0',
    ...env,
  });
}
