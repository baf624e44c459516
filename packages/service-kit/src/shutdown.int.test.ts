import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort, until } from '@groundwork/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { sendOverTcp } from '../test/transports.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/slow-server.ts', import.meta.url));

type LogLine = { msg?: string; url?: string; [key: string]: unknown };

interface Fixture {
  child: ChildProcess;
  port: number;
  lines: LogLine[];
  exited: Promise<{ code: number | null; at: number }>;
}

let running: ChildProcess | undefined;

afterEach(() => {
  if (running?.exitCode === null) running.kill('SIGKILL');
  running = undefined;
});

/** Starts the fixture in its own Node process, as production would, and collects its log lines. */
async function startFixture(env: Record<string, string>): Promise<Fixture> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--conditions=@groundwork/source', FIXTURE], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  running = child;
  const lines: LogLine[] = [];
  let buffered = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const complete = buffered.split('\n');
    buffered = complete.pop() ?? '';
    for (const line of complete) if (line.trim()) lines.push(JSON.parse(line));
  });
  const exited = once(child, 'exit').then(([code]) => ({
    code: code as number | null,
    at: performance.now(),
  }));
  await until('the fixture listens', () =>
    lines.some((line) => line.msg?.startsWith('Server listening')),
  );
  return { child, port, lines, exited };
}

function received(lines: LogLine[], url: string): number {
  return lines.filter((line) => line.msg === 'handler started' && line.url === url).length;
}

describe('startService in a real process', () => {
  it('when SIGTERM arrives, then readiness fails first and in-flight requests finish', async () => {
    const readinessDelayMs = 300;
    const slowMs = 1000;
    const { child, port, lines, exited } = await startFixture({
      SLOW_MS: String(slowMs),
      SHUTDOWN_READINESS_DELAY_MS: String(readinessDelayMs),
      SHUTDOWN_DRAIN_TIMEOUT_MS: '5000',
    });
    // The fixture holds /slow until the drain begins: all 200 are in flight at the signal.
    const requests = Array.from({ length: 200 }, () =>
      sendOverTcp(port, { url: '/slow' }).then(
        (res) => res.status,
        (error: Error) => error.message,
      ),
    );
    await until('all 200 requests reached the handler', () => received(lines, '/slow') === 200);

    const signalledAt = performance.now();
    child.kill('SIGTERM');
    await until('the fixture heard the signal', () =>
      lines.some((line) => line.msg === 'shutdown: signal received'),
    );
    const readiness = await sendOverTcp(port, { url: '/health/ready' });
    const outcomes = await Promise.all(requests);
    const { code, at } = await exited;

    expect(readiness.status).toBe(503);
    expect(outcomes.filter((outcome) => outcome !== 200)).toEqual([]);
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(readinessDelayMs + slowMs + 3000);
    expect(lines.map((line) => line.msg)).toContain('closer: postgres pool ended');
  }, 30_000);

  it('when a request hangs past the drain timeout, then it is cut off, closers run and the process exits 1 within the bound', async () => {
    const drainTimeoutMs = 300;
    const { child, port, lines, exited } = await startFixture({
      SHUTDOWN_DRAIN_TIMEOUT_MS: String(drainTimeoutMs),
    });
    const hanging = sendOverTcp(port, { url: '/hang' }).then(
      (res) => res.status,
      (error: Error) => error.message,
    );
    await until('the request reached the handler', () => received(lines, '/hang') === 1);

    const signalledAt = performance.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;

    expect(code).toBe(1);
    expect(at - signalledAt).toBeLessThan(drainTimeoutMs + 3000);
    expect(await hanging).toMatch(/socket hang up|ECONNRESET/);
    expect(lines.map((line) => line.msg)).toContain('closer: postgres pool ended');
  }, 30_000);
});
