import { ConfigError, env, loadConfig, tlsProblem } from '@groundwork/config';
import { serviceEnv } from '@groundwork/service-kit';
import Type, { type Static } from 'typebox';

const positive = (defaultValue: number, description: string) =>
  Type.Integer({ minimum: 1, default: defaultValue, description });
const cron = (defaultPattern: string, description: string) =>
  Type.String({ minLength: 1, default: defaultPattern, description });

/**
 * The jobs that run through another service's code, by job name (src/jobs.ts): the scheduled
 * ones, and `run-order-export`, which runs on orders' `order.export-requested` events.
 */
export const MAINTENANCE_JOB_NAMES = [
  'expire-unconfirmed-orders',
  'rotate-signing-keys',
  'purge-idempotency-keys',
  'run-order-export',
] as const;
export type MaintenanceJobName = (typeof MAINTENANCE_JOB_NAMES)[number];

// `name=url`: the service name labels logs, readiness checks and metrics.
const OUTBOX_SOURCE = /^([a-z][a-z0-9-]*)=(postgres(?:ql)?:\/\/.+)$/;

/**
 * Every variable the worker reads. Defaults reach the local Postgres and Redis and relay the
 * outboxes of orders and identity, so `npm run dev` needs no .env file.
 */
export const workerConfigSchema = Type.Object({
  ...serviceEnv({ port: 3003 }),
  DATABASE_URL: env.databaseUrl('worker'),
  DATABASE_POOL_SIZE: positive(10, 'Connections to groundwork_worker per process'),
  DATABASE_SLOW_QUERY_MS: env.slowQueryMs(),
  REDIS_URL: env.redisUrl(),
  QUEUE_PREFIX: Type.String({
    minLength: 1,
    default: 'bull',
    description: 'Key prefix of every queue; the same for producers, workers and jobs:dlq',
  }),

  // A string, not env.list(): a malformed list would be echoed in the error, passwords and all.
  OUTBOX_SOURCES: Type.String({
    minLength: 1,
    default:
      'orders=postgresql://postgres@127.0.0.1:5432/groundwork_orders,' +
      'identity=postgresql://postgres@127.0.0.1:5432/groundwork_identity',
    description: 'Comma-separated name=DATABASE_URL of each service whose outbox is relayed',
  }),
  OUTBOX_BATCH_SIZE: positive(100, 'Events claimed per relay transaction'),
  OUTBOX_POLL_INTERVAL_MS: positive(1_000, 'How often an idle relay looks without a NOTIFY'),

  JOB_CONCURRENCY: positive(10, 'Jobs run at once per queue per process'),
  JOB_ATTEMPTS: positive(5, 'Runs of a failing job before it is dead-lettered'),
  JOB_BACKOFF_INITIAL_MS: positive(1_000, 'Wait before the first retry; doubles, with jitter'),
  JOB_BACKOFF_MAX_MS: positive(300_000, 'Longest wait between retries'),
  JOB_LOCK_DURATION_MS: positive(30_000, 'A running job lock; renewed at half of it'),
  JOB_STALLED_INTERVAL_MS: positive(30_000, 'How often workers look for jobs whose worker died'),
  JOB_MAX_STALLED_COUNT: Type.Integer({
    minimum: 0,
    default: 1,
    description: 'Stalls a job survives before it is dead-lettered',
  }),
  JOB_SHUTDOWN_TIMEOUT_MS: positive(
    10_000,
    'On SIGTERM, how long running jobs get to finish before they are put back in their queue',
  ),

  NOTIFICATION_CHANNEL: Type.Union([Type.Literal('log'), Type.Literal('webhook')], {
    default: 'log',
  }),
  NOTIFICATION_WEBHOOK_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'Required with NOTIFICATION_CHANNEL=webhook',
    }),
  ),
  NOTIFICATION_WEBHOOK_SECRET: Type.Optional(
    Type.String({ minLength: 16, description: 'Signs each webhook request (HMAC-SHA256)' }),
  ),
  NOTIFICATION_WEBHOOK_TIMEOUT_MS: positive(5_000, 'Per webhook request'),

  EXPIRE_UNCONFIRMED_ORDERS_SCHEDULE: cron('*/5 * * * *', 'Cron, in SCHEDULE_TIMEZONE'),
  ORDER_CONFIRMATION_TIMEOUT_MINUTES: positive(30, 'Unconfirmed orders older than this expire'),
  ROTATE_SIGNING_KEYS_SCHEDULE: cron(
    '7 * * * *',
    "Cron, in SCHEDULE_TIMEZONE; identity's SIGNING_KEY_ROTATION_PERIOD_SECONDS decides when a key is due",
  ),
  PURGE_IDEMPOTENCY_KEYS_SCHEDULE: cron('17 * * * *', 'Cron, in SCHEDULE_TIMEZONE'),
  SCHEDULE_TIMEZONE: Type.String({ minLength: 1, default: 'UTC' }),
  MAINTENANCE_BATCH_SIZE: positive(500, 'Rows per round trip of the scheduled clean-ups'),
  MAINTENANCE_JOBS: Type.String({
    pattern: `^(none|(${MAINTENANCE_JOB_NAMES.join('|')})(,(${MAINTENANCE_JOB_NAMES.join('|')}))*)$`,
    default: MAINTENANCE_JOB_NAMES.join(','),
    description:
      "Comma-separated jobs this deployment runs through orders' and identity's code (`none`: none); scheduled ones left out are unscheduled, and without run-order-export an export's job fails",
  }),
  ORDERS_DATABASE_URL: env.databaseUrl(
    'orders',
    "Orders' database, for expire-unconfirmed-orders, purge-idempotency-keys and run-order-export (@groundwork/orders/maintenance): log in as a member of orders_app and orders_maintenance",
  ),
  IDENTITY_DATABASE_URL: env.databaseUrl(
    'identity',
    "Identity's database, for rotate-signing-keys (@groundwork/identity/key-rotation-job); identity's SIGNING_KEY_* variables must be set here as for identity",
  ),
});

export type WorkerConfig = Readonly<Static<typeof workerConfigSchema>>;

/** The jobs `MAINTENANCE_JOBS` turns on. */
export function maintenanceJobs(
  config: Pick<WorkerConfig, 'MAINTENANCE_JOBS'>,
): ReadonlySet<MaintenanceJobName> {
  if (config.MAINTENANCE_JOBS === 'none') return new Set();
  return new Set(config.MAINTENANCE_JOBS.split(',') as MaintenanceJobName[]);
}

/** One service database whose outbox the worker relays. */
export interface OutboxSourceConfig {
  readonly name: string;
  readonly url: string;
}

/**
 * Reads and validates the worker's environment once, at boot.
 *
 * @throws {ConfigError} naming the first variable that is missing or malformed.
 */
export function loadWorkerConfig(
  source: Record<string, string | undefined> = process.env,
): WorkerConfig {
  const config = loadConfig(workerConfigSchema, source);
  if (config.NOTIFICATION_CHANNEL === 'webhook' && config.NOTIFICATION_WEBHOOK_URL === undefined) {
    throw new ConfigError(
      'NOTIFICATION_WEBHOOK_URL',
      'is required when NOTIFICATION_CHANNEL=webhook',
    );
  }
  outboxSources(config);
  return config;
}

/**
 * `OUTBOX_SOURCES` as name and URL pairs; with `REQUIRE_TLS` on, each URL must ask for verified
 * TLS like every other database URL.
 *
 * @throws {ConfigError} naming the malformed entry by position, never echoing its URL.
 */
export function outboxSources(
  config: Pick<WorkerConfig, 'OUTBOX_SOURCES'> & Partial<Pick<WorkerConfig, 'REQUIRE_TLS'>>,
): OutboxSourceConfig[] {
  const entries = config.OUTBOX_SOURCES.split(',').map((entry) => entry.trim());
  const sources = entries.map((entry, i) => {
    const [, name, url] = OUTBOX_SOURCE.exec(entry) ?? [];
    if (name === undefined || url === undefined) {
      throw new ConfigError(
        'OUTBOX_SOURCES',
        `entry ${i + 1} of ${entries.length} is not name=postgresql://… (a lower-case name, "=", a PostgreSQL URL)`,
      );
    }
    const problem = config.REQUIRE_TLS === true ? tlsProblem('postgres', url) : undefined;
    if (problem !== undefined) {
      throw new ConfigError('OUTBOX_SOURCES', `entry ${i + 1} (${name}): ${problem}`);
    }
    return { name, url };
  });
  const names = sources.map(({ name }) => name);
  const repeated = names.find((name, i) => names.indexOf(name) !== i);
  if (repeated !== undefined) {
    throw new ConfigError('OUTBOX_SOURCES', `names the source "${repeated}" twice`);
  }
  return sources;
}
