import { readFileSync } from 'node:fs';

/** One sample of `perf script -F pid,tid,ip,sym`: its process and its frames, innermost first. */
export interface PerfSample {
  readonly pid: number;
  readonly frames: readonly string[];
}

/**
 * Where a request's CPU goes, by concern. A sample counts for the first group that one of its
 * frames matches, innermost frame first: a socket write made by undici counts as a socket write,
 * the JavaScript undici runs around it as the upstream client. Order matters: the kernel and the
 * runtime's own work come before the libraries that call into them.
 */
export const CONCERNS: readonly (readonly [name: string, frame: RegExp])[] = [
  [
    'socket reads and writes, kernel included',
    /_writeGeneric|stream_base_commons|onStreamRead|uv__read|ksys_read|vfs_read/,
  ],
  ['garbage collection', /Scavenger|ConcurrentMarking|Sweeper|MarkCompact|Heap::/],
  [
    'OpenTelemetry (spans, context, export)',
    /@opentelemetry\/|packages\/telemetry\/src\/(?!http-metrics|redis-metrics)/,
  ],
  ['upstream client (undici, reply-from)', /undici|reply-from/],
  ['Prisma and pg (queries, results)', /@prisma\/|node_modules\/pg(-protocol|-pool)?\//],
  ['Redis client (ioredis)', /ioredis|redis-metrics|redis-guard|standard-as-callback/],
  ['log lines (pino, stdout)', /pino|sonic-boom|node:fs|redact-secrets|request-log/],
  [
    'resilience (cockatiel, abort signals, timers)',
    /cockatiel|event_target|abort_controller|node:internal\/timers|node:timers/,
  ],
  ['HTTP server (node:http, llhttp)', /_http_|llhttp|http_parser/],
  [
    'Fastify and its plugins',
    /fastify|find-my-way|ajv|fast-json|under-pressure|\/cors|security\.ts/,
  ],
  ['streams and events', /node:internal\/streams|node:events/],
  ['promises and ticks', /task_queues|RunMicrotasks|async_hooks/],
  ['our own code (apps, packages)', /\/(apps|packages)\/[^/]+\/src\//],
];

/** Parses `perf script -F pid,tid,ip,sym` output: a `pid/tid` line, then one frame per line. */
export function parsePerfScript(text: string): PerfSample[] {
  const samples: PerfSample[] = [];
  let current: { pid: number; frames: string[] } | undefined;
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      if (current !== undefined) samples.push(current);
      current = undefined;
    } else if (!line.startsWith('\t')) {
      current = { pid: Number.parseInt(line.trim(), 10), frames: [] };
    } else if (current !== undefined) {
      // "\t    7f25a039f180 JS:*'preRouting /work/main/node_modules/fastify/fastify.js:836:32"
      const symbol = line.trim().split(/\s+/).slice(1).join(' ');
      current.frames.push(symbol);
    }
  }
  if (current !== undefined) samples.push(current);
  return samples;
}

/** Shares (0..1) of one process's samples by concern, largest first; `other` for the rest. */
export function concernShares(samples: readonly PerfSample[], pid: number): Map<string, number> {
  const counts = new Map<string, number>();
  let total = 0;
  for (const sample of samples) {
    if (sample.pid !== pid) continue;
    total += 1;
    let concern = 'other';
    search: for (const frame of sample.frames) {
      for (const [name, pattern] of CONCERNS) {
        if (pattern.test(frame)) {
          concern = name;
          break search;
        }
      }
    }
    counts.set(concern, (counts.get(concern) ?? 0) + 1);
  }
  return new Map(
    [...counts]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => [name, total === 0 ? 0 : count / total]),
  );
}

/**
 * `node src/perf-groups.ts <perf-script.txt> <name>=<pid>...`: one table of every named process's
 * CPU by concern (a file `npm run profile-hold` wrote).
 */
function main(args: readonly string[]) {
  const [file, ...named] = args;
  if (file === undefined || named.length === 0) {
    throw new Error('usage: perf-groups.ts <perf-script.txt> <name>=<pid> [<name>=<pid>...]');
  }
  const samples = parsePerfScript(readFileSync(file, 'utf8'));
  const processes = named.map((entry) => {
    const [name = entry, pid = ''] = entry.split('=');
    return { name, shares: concernShares(samples, Number(pid)) };
  });
  const concerns = [...CONCERNS.map(([name]) => name), 'other'];
  const percent = (value: number | undefined) => `${((value ?? 0) * 100).toFixed(1)} %`;
  const lines = [
    `| concern | ${processes.map((process) => process.name).join(' | ')} |`,
    `|---|${processes.map(() => '---:').join('|')}|`,
    ...concerns.map(
      (concern) =>
        `| ${concern} | ${processes.map((process) => percent(process.shares.get(concern))).join(' | ')} |`,
    ),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

if (import.meta.main) main(process.argv.slice(2));
