import Type from 'typebox';
import { TLS_TRANSPORT } from './require-tls.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Schema fragments for the variables every Groundwork app reads. Defaults reach the Postgres and
 * Redis that docker-compose or a plain local install put on their standard ports, so `npm run dev`
 * needs no .env file.
 *
 * @example
 * const schema = Type.Object({ PORT: env.port(3002), LOG_LEVEL: env.logLevel() });
 */
export const env = {
  port: (defaultPort: number) =>
    Type.Integer({ minimum: 1, maximum: 65535, default: defaultPort, description: 'TCP port' }),

  logLevel: () =>
    Type.Union(
      LOG_LEVELS.map((level) => Type.Literal(level)),
      { default: 'info', description: 'pino log level' },
    ),

  databaseUrl: (app: string, description = 'PostgreSQL connection string') =>
    Type.String({
      pattern: '^postgres(ql)?://',
      default: `postgresql://postgres@127.0.0.1:5432/groundwork_${app}`,
      description,
      [TLS_TRANSPORT]: 'postgres',
    }),

  redisUrl: () =>
    Type.String({
      pattern: '^rediss?://',
      default: 'redis://127.0.0.1:6379',
      description: 'Redis connection string',
      [TLS_TRANSPORT]: 'redis',
    }),

  /**
   * On in staging and production (their kustomize overlays set it): every database and Redis URL
   * of the schema must ask for verified TLS, or the service refuses to start.
   */
  requireTls: () =>
    Type.Boolean({
      default: false,
      description: 'Refuse database and Redis URLs without verified TLS (staging, production)',
    }),

  /** A comma-separated list, e.g. `CORS_ORIGINS=https://app.example.com,https://admin.example.com`. */
  list: (defaults: string[] = []) =>
    Type.Array(Type.String({ minLength: 1 }), { default: defaults }),

  /** `DATABASE_SLOW_QUERY_MS`, for `createDatabaseClient`'s `slowQueryMs` (@groundwork/db). */
  slowQueryMs: () =>
    Type.Integer({
      minimum: 0,
      default: 200,
      description:
        'Statements at least this slow are logged as one `slow query` warn line (SQL without its values, durationMs); 0 turns the log off',
    }),

  milliseconds: (defaultMs: number) => Type.Integer({ minimum: 0, default: defaultMs }),
} as const;
