import type { Logger } from '@groundwork/logger';
import type { MetricsRegistry } from '@groundwork/telemetry';
import type { ReadinessCheck } from './health.ts';
import type { LoadSheddingOptions } from './load-shedding.ts';

/**
 * Options of `createService`. Every field but `name` has a production default; `serviceOptionsFromEnv`
 * fills most of them from the kit's environment variables.
 *
 * Rate limiting is deliberately not an option: the gateway registers `@fastify/rate-limit` on the
 * instance `createService` returns, before its own routes, so health probes and docs (registered
 * here first) stay unthrottled. Its 429 should be thrown as `commonErrors.RATE_LIMITED` with
 * `retryAfterSeconds`, which the kit's error handler already turns into problem+json with Retry-After.
 */
export interface ServiceOptions {
  /** Service name: the `service` field of every log line and the OpenAPI title. */
  name: string;
  /** Version shown in the OpenAPI document. Default `0.0.0`. */
  version?: string;
  /** One-paragraph API description for the OpenAPI document. */
  description?: string;
  /** A ready pino logger; default `createLogger({ service: name, level: logLevel })`. */
  logger?: Logger;
  /** Level of the default logger. Default `info`. */
  logLevel?: string;
  /**
   * Exact origins (`https://app.example.com`) allowed to call the API from a browser. Default none.
   * `*` is refused: an API that answers every origin is a CSRF hole once cookies or tokens flow.
   */
  corsOrigins?: readonly string[];
  /** Largest accepted request body; bigger bodies get 413. Default 1 MiB. */
  bodyLimitBytes?: number;
  /** Time a client has to send a whole request before Node answers 408. Default 30 s. */
  requestTimeoutMs?: number;
  /** Dependencies that `GET /health/ready` checks. More can be added with `app.addReadinessCheck`. */
  readinessChecks?: readonly ReadinessCheck[];
  /** Load shedding thresholds (`@fastify/under-pressure`). */
  loadShedding?: LoadSheddingOptions;
  /** Serve `/docs` and `/openapi.json`. Default true. */
  docs?: boolean;
  /** Metrics served at `/metrics`. Default the process's `defaultMetricsRegistry()`. */
  metrics?: MetricsRegistry;
  /**
   * Refuse `/v1` routes that break the API conventions (see `conventionViolations`). Default
   * true; turn it off only for throwaway services in tests of other concerns.
   */
  routeConventions?: boolean;
}

/** Options after defaults and checks: what the plugins actually read. */
export interface NormalisedOptions {
  name: string;
  version: string;
  description: string | undefined;
  logger: Logger | undefined;
  logLevel: string;
  corsOrigins: readonly string[];
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  readinessChecks: readonly ReadinessCheck[];
  loadShedding: Required<LoadSheddingOptions>;
  docs: boolean;
  metrics: MetricsRegistry | undefined;
  routeConventions: boolean;
}

export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Applies defaults and rejects unsafe or malformed values once, when the service is built. */
export function normaliseOptions(options: ServiceOptions): NormalisedOptions {
  if (!options.name) throw new TypeError('createService: `name` is required');
  return {
    name: options.name,
    version: options.version ?? '0.0.0',
    description: options.description,
    logger: options.logger,
    logLevel: options.logLevel ?? 'info',
    corsOrigins: (options.corsOrigins ?? []).map(checkOrigin),
    bodyLimitBytes: positiveInteger(
      'bodyLimitBytes',
      options.bodyLimitBytes,
      DEFAULT_BODY_LIMIT_BYTES,
    ),
    requestTimeoutMs: positiveInteger(
      'requestTimeoutMs',
      options.requestTimeoutMs,
      DEFAULT_REQUEST_TIMEOUT_MS,
    ),
    readinessChecks: options.readinessChecks ?? [],
    loadShedding: {
      maxEventLoopDelayMs: options.loadShedding?.maxEventLoopDelayMs ?? 1000,
      maxEventLoopUtilization: options.loadShedding?.maxEventLoopUtilization ?? 0,
      maxHeapUsedBytes: options.loadShedding?.maxHeapUsedBytes ?? 0,
      maxRssBytes: options.loadShedding?.maxRssBytes ?? 0,
      retryAfterSeconds: positiveInteger(
        'loadShedding.retryAfterSeconds',
        options.loadShedding?.retryAfterSeconds,
        10,
      ),
      sampleIntervalMs: positiveInteger(
        'loadShedding.sampleIntervalMs',
        options.loadShedding?.sampleIntervalMs,
        1000,
      ),
    },
    docs: options.docs ?? true,
    metrics: options.metrics,
    routeConventions: options.routeConventions ?? true,
  };
}

function checkOrigin(origin: string): string {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    throw new TypeError(`createService: CORS origin "${origin}" is not a URL origin`);
  }
  // An origin is exactly scheme://host[:port]; anything else (a path, a trailing slash, "*")
  // would never equal a browser's Origin header, or would match too much.
  if (parsed.origin !== origin) {
    throw new TypeError(
      `createService: CORS origin "${origin}" must be exactly scheme://host[:port] (did you mean "${parsed.origin}"?)`,
    );
  }
  return origin;
}

function positiveInteger(field: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value <= 0) {
    throw new TypeError(`createService: \`${field}\` must be a positive integer (got ${value})`);
  }
  return value;
}
