import { env } from '@groundwork/config';
import Type from 'typebox';
import {
  DEFAULT_BODY_LIMIT_BYTES,
  DEFAULT_REQUEST_TIMEOUT_MS,
  type ServiceOptions,
} from './options.ts';
import { DEFAULT_DRAIN_TIMEOUT_MS, type StartOptions } from './shutdown.ts';

/**
 * The kit's environment variables, to spread into an app's config schema.
 *
 * @example
 * ```ts
 * const config = loadConfig(
 *   Type.Object({ ...serviceEnv({ port: 3002 }), DATABASE_URL: env.databaseUrl('orders') }),
 * );
 * ```
 */
export function serviceEnv(defaults: { port: number }) {
  return {
    HOST: Type.String({ default: '0.0.0.0', minLength: 1 }),
    PORT: env.port(defaults.port),
    LOG_LEVEL: env.logLevel(),
    /** Comma-separated exact origins, e.g. `https://app.example.com,https://admin.example.com`. */
    CORS_ORIGINS: env.list([]),
    BODY_LIMIT_BYTES: Type.Integer({ minimum: 1, default: DEFAULT_BODY_LIMIT_BYTES }),
    REQUEST_TIMEOUT_MS: Type.Integer({ minimum: 1, default: DEFAULT_REQUEST_TIMEOUT_MS }),
    SHUTDOWN_READINESS_DELAY_MS: Type.Integer({ minimum: 0, default: 0 }),
    SHUTDOWN_DRAIN_TIMEOUT_MS: Type.Integer({ minimum: 1, default: DEFAULT_DRAIN_TIMEOUT_MS }),
    /** Load shedding threshold; 0 disables. */
    MAX_EVENT_LOOP_DELAY_MS: Type.Integer({ minimum: 0, default: 1000 }),
    /** Load shedding threshold; 0 disables. Size it to the container's memory limit. */
    MAX_HEAP_USED_BYTES: Type.Integer({ minimum: 0, default: 0 }),
    /** Staging and production: database and Redis URLs without verified TLS stop the start. */
    REQUIRE_TLS: env.requireTls(),
  };
}

type Fields = ReturnType<typeof serviceEnv>;

/** The validated values of `serviceEnv` fields, as `loadConfig` returns them. */
export type ServiceEnv = Readonly<{ [K in keyof Fields]: Type.Static<Fields[K]> }>;

/**
 * `createService` options taken from the kit's environment variables.
 *
 * @example
 * ```ts
 * const app = await createService({ name: 'orders', ...serviceOptionsFromEnv(config) });
 * ```
 */
export function serviceOptionsFromEnv(config: ServiceEnv) {
  return {
    logLevel: config.LOG_LEVEL,
    corsOrigins: config.CORS_ORIGINS,
    bodyLimitBytes: config.BODY_LIMIT_BYTES,
    requestTimeoutMs: config.REQUEST_TIMEOUT_MS,
    loadShedding: {
      maxEventLoopDelayMs: config.MAX_EVENT_LOOP_DELAY_MS,
      maxHeapUsedBytes: config.MAX_HEAP_USED_BYTES,
    },
  } satisfies Partial<ServiceOptions>;
}

/**
 * `startService` options taken from the kit's environment variables.
 *
 * @example
 * ```ts
 * await startService(app, startOptionsFromEnv(config));
 * ```
 */
export function startOptionsFromEnv(config: ServiceEnv): StartOptions {
  return {
    host: config.HOST,
    port: config.PORT,
    readinessDelayMs: config.SHUTDOWN_READINESS_DELAY_MS,
    drainTimeoutMs: config.SHUTDOWN_DRAIN_TIMEOUT_MS,
  };
}
