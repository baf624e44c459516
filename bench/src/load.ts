import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import autocannon from 'autocannon';

export type Generator = 'wrk' | 'autocannon';

export interface LoadOptions {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly connections: number;
  readonly durationSeconds: number;
}

/** What the load generator counted over one run. */
export interface LoadResult {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  /** Answers by status code, where the generator tells them (autocannon does, wrk does not). */
  readonly statusCodes?: Readonly<Record<string, number>>;
}

/**
 * Runs one load of `connections` keep-alive connections for `durationSeconds`, with the generator
 * on core 1 (`wrk` is started under `taskset -c 1`; autocannon runs in this process, which the
 * bench pins to core 1 at start).
 */
export function runLoad(generator: Generator, options: LoadOptions): Promise<LoadResult> {
  return generator === 'wrk' ? runWrk(options) : runAutocannon(options);
}

async function runAutocannon(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon({
    url: options.url,
    headers: { ...options.headers },
    connections: options.connections,
    duration: options.durationSeconds,
  });
  return {
    requests: result.requests.total,
    durationSeconds: result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count ?? 0]),
    ),
  };
}

const execFileAsync = promisify(execFile);

async function runWrk(options: LoadOptions): Promise<LoadResult> {
  const headerArgs = Object.entries(options.headers).flatMap(([name, value]) => [
    '-H',
    `${name}: ${value}`,
  ]);
  const { stdout } = await execFileAsync(
    'taskset',
    [
      '-c',
      '1',
      'wrk',
      '-t1',
      `-c${options.connections}`,
      `-d${options.durationSeconds}s`,
      '--latency',
      ...headerArgs,
      options.url,
    ],
    { timeout: (options.durationSeconds + 30) * 1000 },
  );
  return parseWrkOutput(stdout);
}

// Divide microseconds rather than multiply by 0.001, which would print 0.9500000000000001.
const toMs: Readonly<Record<string, (value: number) => number>> = {
  us: (value) => value / 1000,
  ms: (value) => value,
  s: (value) => value * 1000,
  m: (value) => value * 60_000,
};

function latencyMs(text: string, percentile: string): number {
  const match = new RegExp(`^\\s*${percentile}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(text);
  if (match === null) throw new Error(`wrk output has no ${percentile}% latency line`);
  return (toMs[match[2] as string] as (value: number) => number)(Number(match[1]));
}

/**
 * Reads what `wrk --latency` prints: the request count and duration, the 50 % and 99 % latency
 * lines, socket errors (absent when there were none) and non-2xx/3xx answers (likewise).
 */
export function parseWrkOutput(text: string): LoadResult {
  const total = /^\s*(\d+) requests in ([\d.]+)(ms|s|m)/m.exec(text);
  if (total === null) throw new Error(`unexpected wrk output:\n${text}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(
    text,
  );
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(text);
  const durationUnit = { ms: 0.001, s: 1, m: 60 }[total[3] as 'ms' | 's' | 'm'];
  return {
    requests: Number(total[1]),
    durationSeconds: Number(total[2]) * durationUnit,
    p50Ms: latencyMs(text, '50'),
    p99Ms: latencyMs(text, '99'),
    errors: socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0,
    non2xx: non2xx ? Number(non2xx[1]) : 0,
  };
}
