import { readFileSync } from 'node:fs';
import { findPackageJSON } from 'node:module';
import { pathToFileURL } from 'node:url';
import { loadConfig } from '@groundwork/config';
import Type from 'typebox';

/** What `startTelemetry` needs to know, read once from the environment by `telemetryConfigFromEnv`. */
export interface TelemetryConfig {
  /** `service.name` of every span: the app's package name without its scope (`orders`). */
  readonly serviceName: string;
  /** `service.version`: the app's package version unless `SERVICE_VERSION` says otherwise. */
  readonly serviceVersion: string;
  /** `deployment.environment.name`: `production`, `staging`, `development`. */
  readonly environment: string;
  /**
   * OTLP/HTTP base URL of the collector (`http://otel-collector:4318`); spans go to
   * `<endpoint>/v1/traces`. Unset: no tracer provider is started at all.
   */
  readonly otlpEndpoint: string | undefined;
  /**
   * Share of new traces that are recorded, from 0 to 1. A request that arrives with a trace
   * context keeps its caller's decision, so a trace is never cut in half between services.
   */
  readonly samplingRatio: number;
  /** `OTEL_SDK_DISABLED=true` turns tracing off even when an endpoint is set. */
  readonly disabled: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export interface TelemetryConfigOptions {
  /** The script Node runs; its nearest package.json names the service. Default `process.argv[1]`. */
  readonly mainScript?: string | undefined;
}

/**
 * Reads the telemetry variables (the standard `OTEL_*` names where the OpenTelemetry spec has
 * one) and fails fast on a malformed value. The service name and version default to the
 * `package.json` of the app being started, so `npm run dev`, the built app and its container
 * need no extra variable.
 *
 * | variable | default |
 * |---|---|
 * | `OTEL_EXPORTER_OTLP_ENDPOINT` | unset: tracing off |
 * | `OTEL_SERVICE_NAME` | the app's package name without scope |
 * | `SERVICE_VERSION` | the app's package version |
 * | `DEPLOYMENT_ENVIRONMENT` | `NODE_ENV`, else `development` |
 * | `OTEL_TRACES_SAMPLER_ARG` | `1` (parent-based ratio) |
 * | `OTEL_SDK_DISABLED` | `false` |
 *
 * @throws {ConfigError} naming the variable that is malformed.
 * @example
 * const config = telemetryConfigFromEnv();
 * await startTelemetry(config);
 */
export function telemetryConfigFromEnv(
  source: Env = process.env,
  options: TelemetryConfigOptions = { mainScript: process.argv[1] },
): TelemetryConfig {
  const app = appPackage(options.mainScript);
  const config = loadConfig(
    Type.Object({
      OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(
        Type.String({ pattern: '^https?://[^/]', description: 'OTLP/HTTP collector base URL' }),
      ),
      OTEL_SERVICE_NAME: Type.String({ minLength: 1, default: app.name }),
      SERVICE_VERSION: Type.String({ minLength: 1, default: app.version }),
      DEPLOYMENT_ENVIRONMENT: Type.String({
        minLength: 1,
        default: source.NODE_ENV || 'development',
      }),
      OTEL_TRACES_SAMPLER_ARG: Type.Number({ minimum: 0, maximum: 1, default: 1 }),
      OTEL_SDK_DISABLED: Type.Boolean({ default: false }),
    }),
    source,
  );
  return {
    serviceName: config.OTEL_SERVICE_NAME,
    serviceVersion: config.SERVICE_VERSION,
    environment: config.DEPLOYMENT_ENVIRONMENT,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, ''),
    samplingRatio: config.OTEL_TRACES_SAMPLER_ARG,
    disabled: config.OTEL_SDK_DISABLED,
  };
}

/** The spec's name for a service that did not say who it is. */
const UNKNOWN_SERVICE = 'unknown_service:node';

/**
 * Name and version from the package.json nearest to the script Node was asked to run
 * (`apps/orders/src/main.ts` or `apps/orders/dist/main.js`, both give `orders`).
 */
function appPackage(mainScript: string | undefined): { name: string; version: string } {
  const fallback = { name: UNKNOWN_SERVICE, version: '0.0.0' };
  if (mainScript === undefined) return fallback;
  try {
    const path = findPackageJSON(pathToFileURL(mainScript));
    if (path === undefined) return fallback;
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as {
      name?: unknown;
      version?: unknown;
    };
    return {
      name:
        typeof manifest.name === 'string' ? manifest.name.replace(/^@[^/]+\//, '') : fallback.name,
      version: typeof manifest.version === 'string' ? manifest.version : fallback.version,
    };
  } catch {
    // An unreadable package.json must not stop the app: telemetry then says "unknown".
    return fallback;
  }
}
