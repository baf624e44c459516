import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import {
  freePort,
  onInterrupt,
  type Server,
  startPinned,
  stop,
  waitUntilReady,
} from './processes.ts';

const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const appDir = (app: string, root = repoRoot) => `${root.replace(/\/?$/, '/')}apps/${app}`;
const SERVER_CORE = 0;
const ADMIN_URL = process.env.BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/** One way to run orders and the gateway: its log level and telemetry environment. */
export interface Variant {
  readonly key: string;
  readonly env: Readonly<Record<string, string>>;
  /**
   * Another checkout of the repository whose orders and gateway this pair runs (its own
   * `node_modules` linked to this one's): a baseline commit, measured in the same run.
   */
  readonly root?: string;
}

/** An orders process and the gateway in front of it, started with one variant's environment. */
export interface Pair {
  readonly variant: Variant;
  readonly orders: Server;
  readonly gateway: Server;
  readonly ordersUrl: string;
  readonly gatewayUrl: string;
  /** Milliseconds from spawn to `/health/ready`, per process: telemetry's start-up cost. */
  readonly readyMs: { readonly orders: number; readonly gateway: number };
}

export interface Stack {
  readonly redis: Server;
  readonly identity: Server;
  readonly identityUrl: string;
  readonly pairs: ReadonlyMap<string, Pair>;
  /** Postgres backends serving the bench's databases, pinned to the server core once found. */
  postgresBackends(): Promise<number[]>;
  close(): Promise<void>;
}

/** Runs a service's real `src/main.ts` the way `npm run dev` does, without --watch. */
function startService(app: string, env: Record<string, string>, root?: string): Server {
  return startPinned(
    app,
    SERVER_CORE,
    process.execPath,
    [
      '--conditions=@groundwork/source',
      '--import',
      '@groundwork/telemetry/register',
      'src/main.ts',
    ],
    env,
    appDir(app, root),
  );
}

async function timedReady(server: Server, url: string): Promise<number> {
  const started = performance.now();
  await waitUntilReady(server, `${url}/health/ready`, 60_000);
  return Math.round(performance.now() - started);
}

/**
 * BENCH_PROFILE_DIR=<dir>: every orders and gateway process writes a V8 CPU profile at exit to
 * `<dir>/<variant>/`; `src/otel-share.ts` then tells the share of each one's CPU spent in
 * OpenTelemetry code, a measure that holds on a busy machine where req/s ratios do not.
 */
function profiling(variant: Variant): Record<string, string> {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir === undefined
    ? {}
    : { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${dir}/${variant.key}` };
}

/** Telemetry variables the bench controls; removed from the inherited environment first. */
const TELEMETRY_VARIABLES = ['OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_SDK_DISABLED'];
for (const name of TELEMETRY_VARIABLES) delete process.env[name];

/**
 * Starts a throwaway Redis, identity, and one orders + gateway pair per variant, all on the
 * server core, against fresh `groundwork_bench_*` databases migrated with the apps' own
 * `db:migrate`. Rate limits are set far above what the bench sends so no 429 pollutes a figure.
 */
export async function startStack(variants: readonly Variant[]): Promise<Stack> {
  const servers: Server[] = [];
  const suffix = `${process.pid}`;
  const databases = {
    identity: `groundwork_bench_identity_${suffix}`,
    orders: `groundwork_bench_orders_${suffix}`,
  };
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  const databaseUrl = (name: string) => {
    const url = new URL(ADMIN_URL);
    url.pathname = `/${name}`;
    return url.toString();
  };

  let closed: Promise<void> | undefined;
  const close = () => {
    closed ??= closeOnce();
    return closed;
  };
  onInterrupt(close);
  const closeOnce = async () => {
    // A process writes its CPU profile as it exits, which takes a while on a loaded machine.
    const graceMs = process.env.BENCH_PROFILE_DIR === undefined ? undefined : 60_000;
    await Promise.all(servers.map((server) => stop(server, graceMs)));
    for (const name of Object.values(databases)) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    }
    await admin.end();
  };

  try {
    for (const [app, name] of Object.entries(databases)) {
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.query(`CREATE DATABASE "${name}"`);
      await execFileAsync('npm', ['run', '-s', 'db:migrate'], {
        cwd: appDir(app),
        env: { ...process.env, DATABASE_URL: databaseUrl(name) },
        timeout: 120_000,
      });
    }

    const redisPort = await freePort();
    const redis = startPinned(
      'redis',
      SERVER_CORE,
      'redis-server',
      [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        '--appendonly',
        'no',
        '--maxmemory-policy',
        'noeviction',
      ],
      {},
    );
    servers.push(redis);
    const redisUrl = `redis://127.0.0.1:${redisPort}`;

    const identityPort = await freePort();
    const identityUrl = `http://127.0.0.1:${identityPort}`;
    const identity = startService('identity', {
      HOST: '127.0.0.1',
      PORT: String(identityPort),
      LOG_LEVEL: 'info',
      DATABASE_URL: databaseUrl(databases.identity),
      REDIS_URL: redisUrl,
      TOKEN_ISSUER: identityUrl,
    });
    servers.push(identity);
    await waitUntilReady(identity, `${identityUrl}/health/ready`, 60_000);

    const tokens = {
      JWKS_URL: `${identityUrl}/.well-known/jwks.json`,
      TOKEN_ISSUER: identityUrl,
    };
    const pairs = new Map<string, Pair>();
    for (const variant of variants) {
      const ordersPort = await freePort();
      const ordersUrl = `http://127.0.0.1:${ordersPort}`;
      const orders = startService(
        'orders',
        {
          HOST: '127.0.0.1',
          PORT: String(ordersPort),
          DATABASE_URL: databaseUrl(databases.orders),
          REDIS_URL: redisUrl,
          ...tokens,
          ...variant.env,
          ...profiling(variant),
        },
        variant.root,
      );
      servers.push(orders);
      const ordersReadyMs = await timedReady(orders, ordersUrl);

      const gatewayPort = await freePort();
      const gatewayUrl = `http://127.0.0.1:${gatewayPort}`;
      const gateway = startService(
        'gateway',
        {
          HOST: '127.0.0.1',
          PORT: String(gatewayPort),
          REDIS_URL: redisUrl,
          IDENTITY_URL: identityUrl,
          ORDERS_URL: ordersUrl,
          RATE_LIMIT_MAX: '1000000000',
          AUTH_RATE_LIMIT_MAX: '1000000000',
          RATE_LIMIT_KEY_PREFIX: `bench:${variant.key}:rate-limit:`,
          ...tokens,
          ...variant.env,
          ...profiling(variant),
        },
        variant.root,
      );
      servers.push(gateway);
      const gatewayReadyMs = await timedReady(gateway, gatewayUrl);
      pairs.set(variant.key, {
        variant,
        orders,
        gateway,
        ordersUrl,
        gatewayUrl,
        readyMs: { orders: ordersReadyMs, gateway: gatewayReadyMs },
      });
    }

    return {
      redis,
      identity,
      identityUrl,
      pairs,
      async postgresBackends() {
        const { rows } = await admin.query<{ pid: number }>(
          'SELECT pid FROM pg_stat_activity WHERE datname = ANY($1)',
          [Object.values(databases)],
        );
        const pids = rows.map((row) => row.pid);
        for (const pid of pids) {
          await execFileAsync('taskset', ['-cp', String(SERVER_CORE), String(pid)]).catch(() => {
            // A backend that ended meanwhile: nothing to pin.
          });
        }
        return pids;
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
