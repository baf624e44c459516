import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.ts';
import { probeRedis } from './probe-redis.ts';
import { TestingError } from './testing-error.ts';
import { until } from './until.ts';

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, such as `['--maxmemory-policy', 'allkeys-lru']`. */
  readonly args?: readonly string[];
  /**
   * Keep the data across `kill` and `restart` (append-only file, fsync on every write). By
   * default the server keeps nothing, like a cache that restarts empty.
   */
  readonly persistent?: boolean;
  /** The `redis-server` binary; {@link findRedisServer} by default. */
  readonly binary?: string;
}

/**
 * A redis-server of the test's own, on a free loopback port, that the test may reconfigure, kill,
 * freeze and restart. The shared Redis serves other test files at the same time: its settings
 * are not a test's to change, and it must never be stopped.
 */
export interface RedisServer {
  readonly url: string;
  readonly port: number;
  /** Alive and not frozen. */
  readonly running: boolean;
  /** SIGKILL: the process dies at once, as on a crash or an OOM kill; resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the process stops answering but its sockets stay open, as a hung server's would. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  /** Kills the server if it runs and starts it again on the same port and data directory. */
  restart(): Promise<void>;
  /** Kills the server for good and deletes its data directory. */
  stop(): Promise<void>;
}

const START_TIMEOUT_MS = 10_000;
/** The last part of the server's output that a start failure quotes. */
const OUTPUT_TAIL_CHARS = 4_000;

/** Why there is no server to start, in the words a skipped test or a failed CI run shows. */
export const NO_REDIS_SERVER_REASON =
  'no redis-server binary (set REDIS_SERVER_BIN or put redis-server on the PATH)';

/**
 * The `redis-server` binary to run: `REDIS_SERVER_BIN`, else `redis-server` on the PATH;
 * `undefined` when neither is executable.
 *
 * @example
 * ```ts
 * if (findRedisServer() === undefined) console.warn('no redis-server: the outage tests skip');
 * ```
 */
export function findRedisServer(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const candidates = [
    env.REDIS_SERVER_BIN,
    ...(env.PATH ?? '')
      .split(delimiter)
      .filter((dir) => dir !== '')
      .map((dir) => join(dir, 'redis-server')),
  ];
  return candidates.find((candidate) => candidate !== undefined && isExecutable(candidate));
}

/**
 * Starts a redis-server of the caller's own on a free loopback port, with a fresh data directory,
 * and resolves once it answers PING. The caller must `stop()` it. In a vitest file, prefer
 * `useRedisServer()` from `@groundwork/testing/vitest`, which also skips (or under CI fails)
 * when there is no binary.
 *
 * @example
 * ```ts
 * import { startRedisServer } from '@groundwork/testing';
 *
 * const server = await startRedisServer({ args: ['--maxmemory-policy', 'allkeys-lru'] });
 * try {
 *   await expect(assertNoEviction(new Redis(server.url))).rejects.toThrow(/allkeys-lru/);
 * } finally {
 *   await server.stop();
 * }
 * ```
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = options.binary ?? findRedisServer();
  if (binary === undefined)
    throw new TestingError('TESTING_SERVICE_UNAVAILABLE', NO_REDIS_SERVER_REASON);
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  const dir = await mkdtemp(join(tmpdir(), 'gw-redis-server-'));
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  const args = [
    '--port',
    String(port),
    '--bind',
    '127.0.0.1',
    '--dir',
    dir,
    ...persistence,
    ...(options.args ?? []),
  ];
  let child: ChildProcess | undefined;
  let frozen = false;

  const alive = (): boolean =>
    child !== undefined && child.exitCode === null && child.signalCode === null;

  async function kill(): Promise<void> {
    const dying = child;
    if (dying === undefined || !alive()) return;
    const exited = new Promise<void>((resolve) => dying.once('exit', () => resolve()));
    // SIGKILL ends a frozen (SIGSTOPped) process too.
    dying.kill('SIGKILL');
    await exited;
    frozen = false;
  }

  try {
    child = await spawnUntilReady(binary, args, url);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url,
    port,
    get running() {
      return alive() && !frozen;
    },
    kill,
    freeze() {
      if (!alive()) return;
      child?.kill('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (!frozen) return;
      child?.kill('SIGCONT');
      frozen = false;
    },
    async restart() {
      await kill();
      child = await spawnUntilReady(binary, args, url);
    },
    async stop() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function spawnUntilReady(
  binary: string,
  args: readonly string[],
  url: string,
): Promise<ChildProcess> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // Always drained, even after the start: a full pipe would block the server.
  let output = '';
  const collect = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let failure: string | undefined;
  child.on('error', (error) => {
    failure ??= error.message;
  });
  child.once('exit', (code, signal) => {
    failure ??= `exited (${signal ?? code}) before it was ready`;
  });
  try {
    await until(
      `redis-server at ${url} answers PING`,
      async () => {
        if (failure !== undefined) throw new Error(failure);
        return (await probeRedis(url, 1_000)).ok;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 20 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw new TestingError(
      'TESTING_REDIS_SERVER_FAILED',
      `redis-server ${args.join(' ')}: ${(error as Error).message}\n${output}`,
      { cause: error },
    );
  }
  return child;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
