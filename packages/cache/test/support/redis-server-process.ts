import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { isCi } from '@groundwork/testing';
import { afterAll, beforeAll, beforeEach } from 'vitest';

/**
 * A redis-server of the test's own, on a free loopback port, that the test may kill, freeze and
 * restart. The shared Redis on 6379 serves other test files at the same time: never stop that one.
 */
export interface RedisServerProcess {
  readonly url: string;
  /** Starts the server (again, on the same port and data directory); resolves once it accepts connections. */
  start(): Promise<void>;
  /** SIGKILL: the process dies at once, as on a crash or an OOM kill; resolves once it has exited. */
  kill(): Promise<void>;
  /** SIGSTOP: the process stops answering but its sockets stay open, as a hung server's would. */
  freeze(): void;
  /** SIGCONT after `freeze`. */
  thaw(): void;
  readonly running: boolean;
}

export interface RedisServerProcessOptions {
  /**
   * Keep the data across `kill` and `start` (append-only file, fsync on every write). By default
   * the server keeps nothing, like a cache that restarts empty.
   */
  readonly persistent?: boolean;
}

const START_TIMEOUT_MS = 10_000;

/** `REDIS_SERVER_BIN`, else `redis-server` on the PATH, else /usr/bin/redis-server. */
export function findRedisServer(env = process.env): string | undefined {
  const candidates = [
    env.REDIS_SERVER_BIN,
    ...(env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'redis-server')),
    '/usr/bin/redis-server',
  ];
  return candidates.find((candidate) => candidate !== undefined && isExecutable(candidate));
}

/**
 * Gives the enclosing file or `describe` its own redis-server, started before its tests and killed
 * after them. Without a redis-server binary each test is skipped with the reason, or under CI fails.
 */
export function useRedisServerProcess(options: RedisServerProcessOptions = {}): RedisServerProcess {
  let server: (RedisServerProcess & { remove(): Promise<void> }) | undefined;
  let skipReason: string | undefined;
  beforeAll(async () => {
    const binary = findRedisServer();
    if (binary === undefined) {
      const reason =
        'no redis-server binary (set REDIS_SERVER_BIN or put redis-server on the PATH); ' +
        'the Redis outage tests need a server they may kill';
      if (isCi()) throw new Error(`${reason}. CI is set, so this fails instead of skipping.`);
      skipReason = reason;
      console.warn(`[cache tests] skipping: ${reason}`);
      return;
    }
    server = await createRedisServerProcess(binary, options);
    await server.start();
  }, START_TIMEOUT_MS * 2);
  beforeEach(async (context) => {
    if (skipReason !== undefined) context.skip(skipReason);
    // Each test starts with a running server, whatever the previous one did to it.
    if (server !== undefined && !server.running) {
      server.thaw();
      await server.start();
    }
  });
  afterAll(async () => {
    await server?.remove();
  });
  const current = (): RedisServerProcess => {
    if (server === undefined) throw new Error('the redis-server process exists only inside tests');
    return server;
  };
  return {
    get url() {
      return current().url;
    },
    get running() {
      return current().running;
    },
    start: () => current().start(),
    kill: () => current().kill(),
    freeze: () => current().freeze(),
    thaw: () => current().thaw(),
  };
}

async function createRedisServerProcess(
  binary: string,
  options: RedisServerProcessOptions,
): Promise<RedisServerProcess & { remove(): Promise<void> }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'gw-cache-redis-'));
  const persistence = options.persistent
    ? ['--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--appendonly', 'no', '--save', ''];
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...persistence];
  let child: ChildProcess | undefined;
  let frozen = false;

  async function kill(): Promise<void> {
    const dying = child;
    if (dying === undefined || dying.exitCode !== null || dying.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => dying.once('exit', () => resolve()));
    dying.kill('SIGKILL');
    await exited;
    frozen = false;
  }

  return {
    url: `redis://127.0.0.1:${port}`,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null && !frozen;
    },
    async start() {
      await kill();
      child = await spawnUntilReady(binary, args);
    },
    kill,
    freeze() {
      child?.kill('SIGSTOP');
      frozen = true;
    },
    thaw() {
      if (!frozen) return;
      child?.kill('SIGCONT');
      frozen = false;
    },
    async remove() {
      await kill();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function spawnUntilReady(binary: string, args: readonly string[]): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Ready to accept connections')) settle();
    };
    const onError = (error: Error) => settle(error.message);
    const onExit = (code: number | null, signal: string | null) =>
      settle(`exited (${signal ?? code}) before it was ready`);
    const timer = setTimeout(
      () => settle(`not ready after ${START_TIMEOUT_MS} ms`),
      START_TIMEOUT_MS,
    );
    function settle(failure?: string): void {
      clearTimeout(timer);
      child.stdout?.off('data', collect);
      child.stderr?.off('data', collect);
      child.off('error', onError);
      child.off('exit', onExit);
      // Keep draining the pipes: a full pipe would block the server.
      child.stdout?.resume();
      child.stderr?.resume();
      if (failure === undefined) {
        resolve(child);
        return;
      }
      child.kill('SIGKILL');
      reject(new Error(`redis-server ${args.join(' ')}: ${failure}\n${output}`));
    }
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', onError);
    child.on('exit', onExit);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
