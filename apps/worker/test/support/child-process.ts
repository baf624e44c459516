import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { until } from '@groundwork/testing';
import { afterEach } from 'vitest';

/** A TypeScript entry point running as its own Node process, as it would in production. */
export interface NodeProcess {
  readonly child: ChildProcess;
  /** Every JSON line it printed on stdout, parsed, in order (pino lines and fixture messages). */
  readonly lines: Record<string, unknown>[];
  /** Everything it printed on stdout. */
  stdout(): string;
  /** What it printed on stderr. */
  stderr(): string;
  readonly exited: Promise<{
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
  }>;
  /** Resolves once a line matches, or rejects when the process exits first or time runs out. */
  waitFor(
    what: string,
    match: (line: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
}

const running: ChildProcess[] = [];

/** Kills, after each test, every process the test left running. Call at the top of the file. */
export function killProcessesAfterEach(): void {
  afterEach(async () => {
    await Promise.all(
      running.splice(0).map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGKILL');
        await once(child, 'exit');
      }),
    );
  });
}

/**
 * Starts `file` with Node's type stripping and the workspace's source condition, and the
 * telemetry register entry the app's scripts start with (tracing stays off without an endpoint).
 */
export function startNodeProcess(
  file: string,
  env: Record<string, string>,
  args: readonly string[] = [],
): NodeProcess {
  const node = ['--conditions=@groundwork/source', '--import', '@groundwork/telemetry/register'];
  const child = spawn(process.execPath, [...node, file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push(child);
  const lines: Record<string, unknown>[] = [];
  let buffered = '';
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) {
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        lines.push({ text: line });
      }
    }
  });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  return {
    child,
    lines,
    stdout: () => output,
    stderr: () => errors,
    exited,
    async waitFor(what, match, timeoutMs = 15_000) {
      let found: Record<string, unknown> | undefined;
      const exited = () => child.exitCode !== null || child.signalCode !== null;
      try {
        await until(
          what,
          () => {
            found = lines.find(match);
            if (found === undefined && exited()) throw new Error('the process exited');
            return found !== undefined;
          },
          { timeoutMs },
        );
      } catch (error) {
        const status = exited() ? `exited (${child.exitCode ?? child.signalCode})` : 'running';
        throw new Error(
          `${(error as Error).message}; the process is ${status}. stderr:\n${errors}`,
          { cause: error },
        );
      }
      return found as Record<string, unknown>;
    },
  };
}
