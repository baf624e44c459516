import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';

export interface ChildService {
  readonly port: number;
  /** JSON log lines written so far (stdout). */
  readonly lines: Record<string, unknown>[];
  /** Sends SIGTERM and resolves with the exit code once the process has exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts `script` in a child Node (the one running the tests, Node 24) with the register entry
 * preloaded, as apps start, and waits for its `listening` log line.
 */
export async function startChildService(
  script: string,
  options: { readonly cwd: string; readonly env: Record<string, string | undefined> },
): Promise<ChildService> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--conditions=@groundwork/source', '--import', '@groundwork/telemetry/register', script],
    { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += String(chunk);
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const listening = new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      try {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        if (line.msg === 'listening') resolve(line.port as number);
      } catch {
        lines.push({ raw: text });
      }
    });
    void exited.then(([code]) =>
      reject(new Error(`child exited (${code}) before listening:\n${stderr}`)),
    );
  });
  const port = await listening;
  return {
    port,
    lines,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}
