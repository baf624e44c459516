import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { openSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** A server process the bench started, pinned to a core, with the end of its stderr kept. */
export interface Server {
  readonly name: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last lines the process wrote to stderr, to explain a crash. */
  stderrTail(): string;
}

const running = new Set<ChildProcess>();

// Whatever ends the bench (an error, Ctrl-C), no server outlives it.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});
const cleanups: Array<() => Promise<void>> = [];

/** Runs `cleanup` if the bench is interrupted (Ctrl-C, SIGTERM): throwaway databases get dropped. */
export function onInterrupt(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    // Bounded: an interrupted bench must end even if a cleanup hangs.
    const deadline = new Promise((resolve) => setTimeout(resolve, 15_000).unref());
    void Promise.race([Promise.allSettled(cleanups.map((cleanup) => cleanup())), deadline]).then(
      () => process.exit(130),
    );
  });
}

/**
 * Starts `command args` under `taskset -c <core>`; taskset execs in place, so the child's pid is
 * the server's own and `/proc/<pid>/stat` counts exactly its CPU. stdout goes to /dev/null: the
 * services' log lines are still formatted and written (that is the cost being measured) but the
 * bench, on the load generator's core, never reads them.
 */
export function startPinned(
  name: string,
  core: number,
  command: string,
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  cwd?: string,
): Server {
  // BENCH_LOG_DIR keeps each server's stdout (its log lines) in a file, to find out why a
  // scenario failed; the figures of such a run include the cost of a real file.
  // BENCH_LOG_NAMES (comma-separated) narrows it to some servers.
  const logDir = process.env.BENCH_LOG_DIR;
  const logNames = process.env.BENCH_LOG_NAMES?.split(',');
  const keepLog = logDir !== undefined && (logNames === undefined || logNames.includes(name));
  const stdout = keepLog ? openSync(`${logDir}/${name}-${Date.now()}.log`, 'w') : 'ignore';
  const child = spawn('taskset', ['-c', String(core), command, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', stdout, 'pipe'],
    ...(cwd === undefined ? {} : { cwd }),
  });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  running.add(child);
  child.once('exit', () => running.delete(child));
  let tail = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-4000);
  });
  return { name, pid: child.pid, child, stderrTail: () => tail };
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function stop(server: Server, graceMs = 5000): Promise<void> {
  const { child } = server;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A loopback port nothing listens on right now; the servers fail loudly if one is taken since. */
export async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no TCP port assigned');
  return address.port;
}

/** Polls `url` until it answers 2xx, the process dies, or `timeoutMs` passes. */
export async function waitUntilReady(server: Server, url: string, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null || server.child.signalCode !== null) {
      throw new Error(`${server.name} exited while starting:\n${server.stderrTail()}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(
    `${server.name}: ${url} not ready after ${timeoutMs} ms:\n${server.stderrTail()}`,
  );
}

/** The core the load generator (and the collector stand-in) runs on; servers run on core 0. */
export const LOAD_CORE = 1;

/**
 * Moves this process to the load core. `-a`: every thread, so autocannon and libuv's pool stay
 * off the servers' core.
 */
export function pinToLoadCore(): void {
  execFileSync('taskset', ['-a', '-cp', String(LOAD_CORE), String(process.pid)], {
    stdio: 'ignore',
  });
}

/**
 * Starts the OTLP collector stand-in (`servers/otlp-sink.ts`) on the load core: in production the
 * collector is another host. Returns it and the endpoint to give the services.
 */
export async function startOtlpSink(): Promise<{ readonly sink: Server; readonly url: string }> {
  const port = await freePort();
  const sink = startPinned(
    'otlp-sink',
    LOAD_CORE,
    process.execPath,
    [fileURLToPath(new URL('./servers/otlp-sink.ts', import.meta.url))],
    { PORT: String(port) },
  );
  return { sink, url: `http://127.0.0.1:${port}` };
}
