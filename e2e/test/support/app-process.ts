import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { freePort } from '@groundwork/testing';

/** The repository's apps, each started from its TypeScript entry point. */
export type AppName = 'gateway' | 'identity' | 'orders' | 'worker';

export interface AppProcess {
  readonly name: AppName;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Every JSON line the app wrote on stdout, parsed, in order. */
  readonly lines: readonly Record<string, unknown>[];
  /** SIGTERM, then the exit code once the app has closed (and flushed its spans). */
  stop(): Promise<number | null>;
  /** SIGKILL if still running: the afterAll safety net. */
  kill(): Promise<void>;
}

/** The folder of an app, where its package.json, prisma/ and src/main.ts live. */
export function appDirectory(name: AppName): string {
  return fileURLToPath(new URL(`../../../apps/${name}/`, import.meta.url));
}

/**
 * Starts `apps/<name>/src/main.ts` as production starts it (the telemetry register entry
 * preloaded, TypeScript sources through the custom condition) on a free loopback port, and
 * resolves once `/health/ready` answers 200. Only `env` and PATH reach the child, so no variable
 * of the developer's shell changes what is tested.
 */
export async function startApp(
  name: AppName,
  env: Record<string, string>,
  timeoutMs = 30_000,
): Promise<AppProcess> {
  const port = env.PORT === undefined ? await freePort() : Number(env.PORT);
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--conditions=@groundwork/source',
      '--import',
      '@groundwork/telemetry/register',
      'src/main.ts',
    ],
    {
      cwd: appDirectory(name),
      env: { PATH: process.env.PATH, HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
    try {
      lines.push(JSON.parse(text) as Record<string, unknown>);
    } catch {
      lines.push({ raw: text });
    }
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const app: AppProcess = {
    name,
    url,
    lines,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGKILL');
      await exited;
    },
  };
  try {
    await untilReady(url, exited, timeoutMs);
  } catch (error) {
    await app.kill();
    const fatal = lines.filter((line) => line.level === 'fatal' || line.level === 'error');
    throw new Error(
      `${name} did not become ready: ${(error as Error).message}\n${JSON.stringify(fatal)}\n${stderr}`,
    );
  }
  return app;
}

async function untilReady(url: string, exited: Promise<unknown>, timeoutMs: number): Promise<void> {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (gone) throw new Error('the process exited');
    try {
      const response = await fetch(`${url}/health/ready`, { signal: AbortSignal.timeout(1_000) });
      if (response.status === 200) return;
      last = `${response.status} ${await response.text()}`;
    } catch (error) {
      last = String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`not ready after ${timeoutMs} ms (${last})`);
}
