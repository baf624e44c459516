import {
  type ContainerRuntimeCheck,
  checkContainerRuntime,
  type StartedContainer,
  startPostgresContainer,
  startRedisContainer,
} from './containers.ts';
import { describeError } from './describe-error.ts';
import { type ProbeResult, probePostgres } from './probe-postgres.ts';
import { probeRedis } from './probe-redis.ts';
import { redactUrl, scrubPassword } from './redact-url.ts';

export type ServiceName = 'postgres' | 'redis';

/** Where a ready service came from: an explicit env URL, the local default, or a started container. */
export type ServiceSource = 'env' | 'local' | 'container';

export interface ReadyService {
  readonly service: ServiceName;
  readonly status: 'ready';
  /** For Postgres, an admin URL to a server (its database is a maintenance one, e.g. `postgres`). */
  readonly url: string;
  readonly source: ServiceSource;
}

export interface UnavailableService {
  readonly service: ServiceName;
  readonly status: 'unavailable';
  /** Names the service, what was tried, and how to provide it. Never holds a password. */
  readonly reason: string;
}

/** Plain data, so the global setup can hand it to test workers through vitest's `provide`. */
export type ServiceResolution = ReadyService | UnavailableService;

export interface ResolvedService {
  readonly resolution: ServiceResolution;
  /** Stops what the resolution started (a container); a no-op otherwise. */
  stop(): Promise<void>;
}

export interface ResolveOptions {
  /** Source of `TEST_POSTGRES_URL`, `TEST_REDIS_URL`, `TEST_POSTGRES_IMAGE`, `TEST_REDIS_IMAGE`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Replaces the standard local URLs (tests point them at a closed port). */
  readonly localUrls?: Partial<Record<ServiceName, string>>;
  /** `false` never starts containers: only a caller that will stop them may start them. */
  readonly containers?: boolean;
  /** How long each candidate may take to answer. */
  readonly timeoutMs?: number;
}

interface ServiceSpec {
  readonly label: string;
  readonly urlVar: string;
  readonly imageVar: string;
  readonly defaultImage: string;
  /** The runtime contract's default, so a plain local install needs no configuration. */
  readonly localUrl: string;
  readonly howToProvide: string;
  readonly probe: (url: string, timeoutMs: number) => Promise<ProbeResult>;
  readonly start: (image: string) => Promise<StartedContainer>;
}

const SERVICES: Record<ServiceName, ServiceSpec> = {
  postgres: {
    label: 'Postgres',
    urlVar: 'TEST_POSTGRES_URL',
    imageVar: 'TEST_POSTGRES_IMAGE',
    defaultImage: 'postgres:17',
    localUrl: 'postgresql://postgres@127.0.0.1:5432/postgres',
    howToProvide:
      'Run Postgres on 127.0.0.1:5432 with user postgres, set TEST_POSTGRES_URL to an admin URL ' +
      '(postgresql://postgres@host:5432/postgres), or start a Docker engine',
    probe: probePostgres,
    start: startPostgresContainer,
  },
  redis: {
    label: 'Redis',
    urlVar: 'TEST_REDIS_URL',
    imageVar: 'TEST_REDIS_IMAGE',
    defaultImage: 'redis:7',
    localUrl: 'redis://127.0.0.1:6379',
    howToProvide:
      'Run Redis on 127.0.0.1:6379, set TEST_REDIS_URL (redis://host:6379), or start a Docker engine',
    probe: probeRedis,
    start: startRedisContainer,
  },
};

const DEFAULT_TIMEOUT_MS = 2_000;
const noop = async (): Promise<void> => {};

/**
 * Finds one service for a test run, in order: the explicit `TEST_<SERVICE>_URL`, the standard
 * local address, a testcontainers container. An explicit URL that does not answer is not
 * replaced by a fallback: whoever set it meant that server. Unavailability is a result, not an
 * error; {@link requireServiceOrSkip} decides between skipping and failing.
 *
 * @example
 * ```ts
 * const { resolution, stop } = await resolveService('postgres');
 * if (resolution.status === 'ready') console.warn(`Postgres from ${resolution.source}`);
 * await stop();
 * ```
 */
export async function resolveService(
  service: ServiceName,
  options: ResolveOptions = {},
  containerRuntime: () => Promise<ContainerRuntimeCheck> = checkContainerRuntime,
): Promise<ResolvedService> {
  const spec = SERVICES[service];
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const ready = (url: string, source: ServiceSource, stop = noop): ResolvedService => ({
    resolution: { service, status: 'ready', url, source },
    stop,
  });
  const unavailable = (reason: string): ResolvedService => ({
    resolution: {
      service,
      status: 'unavailable',
      reason: `${spec.label} is unavailable: ${reason}`,
    },
    stop: noop,
  });

  const explicitUrl = env[spec.urlVar]?.trim();
  if (explicitUrl) {
    const probe = await spec.probe(explicitUrl, timeoutMs);
    if (probe.ok) return ready(explicitUrl, 'env');
    return unavailable(
      `${spec.urlVar}=${redactUrl(explicitUrl)} did not answer ` +
        `(${scrubPassword(probe.problem, explicitUrl)}). Fix ${spec.urlVar}, or unset it to use ` +
        `${redactUrl(spec.localUrl)} or a container.`,
    );
  }

  const localUrl = options.localUrls?.[service] ?? spec.localUrl;
  const local = await spec.probe(localUrl, timeoutMs);
  if (local.ok) return ready(localUrl, 'local');

  const tried = [
    `${spec.urlVar} is not set`,
    `${redactUrl(localUrl)} did not answer (${scrubPassword(local.problem, localUrl)})`,
  ];
  if (options.containers === false) {
    tried.push('containers are not started from here');
  } else {
    const runtime = await containerRuntime();
    if (runtime.ok) {
      const image = env[spec.imageVar]?.trim() || spec.defaultImage;
      try {
        const container = await spec.start(image);
        return ready(container.url, 'container', container.stop);
      } catch (error) {
        tried.push(`container ${image} did not start (${describeError(error)})`);
      }
    } else {
      tried.push(`no container engine answered (${runtime.problem})`);
    }
  }
  return unavailable(`${tried.join('; ')}. ${spec.howToProvide}.`);
}

export interface ResolvedServices {
  readonly postgres: ServiceResolution;
  readonly redis: ServiceResolution;
  /** Stops the containers this resolution started. */
  stop(): Promise<void>;
}

/**
 * Resolves Postgres and Redis together, probing the container engine at most once.
 *
 * @example
 * ```ts
 * const services = await resolveServices();
 * try {
 *   // services.postgres.status, services.redis.status ...
 * } finally {
 *   await services.stop();
 * }
 * ```
 */
export async function resolveServices(options: ResolveOptions = {}): Promise<ResolvedServices> {
  let runtimeCheck: Promise<ContainerRuntimeCheck> | undefined;
  const containerRuntime = () => {
    runtimeCheck ??= checkContainerRuntime();
    return runtimeCheck;
  };
  const [postgres, redis] = await Promise.all([
    resolveService('postgres', options, containerRuntime),
    resolveService('redis', options, containerRuntime),
  ]);
  return {
    postgres: postgres.resolution,
    redis: redis.resolution,
    stop: async () => {
      await Promise.all([postgres.stop(), redis.stop()]);
    },
  };
}
