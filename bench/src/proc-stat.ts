import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What the kernel has counted for one process: CPU time in clock ticks and resident pages. */
export interface ProcStat {
  readonly utimeTicks: number;
  readonly stimeTicks: number;
  readonly rssPages: number;
}

/**
 * Parses `/proc/<pid>/stat`. The second field, the command name, is in parentheses and may hold
 * spaces or parentheses itself, so the fields are counted from the last `)`: after it come field
 * 3 (state) onwards, which puts utime (14), stime (15) and rss (24) at offsets 11, 12 and 21.
 */
export function parseProcStat(text: string): ProcStat {
  const end = text.lastIndexOf(')');
  if (end === -1) throw new Error(`not a /proc/<pid>/stat line: ${text.slice(0, 80)}`);
  const fields = text
    .slice(end + 1)
    .trim()
    .split(/\s+/);
  const field = (offset: number, name: string) => {
    const value = Number(fields[offset]);
    if (!Number.isSafeInteger(value)) throw new Error(`/proc stat: ${name} is not a number`);
    return value;
  };
  return {
    utimeTicks: field(11, 'utime'),
    stimeTicks: field(12, 'stime'),
    rssPages: field(21, 'rss'),
  };
}

/** Clock ticks per second and page size, asked once of the system rather than assumed. */
const systemUnits = (() => {
  let units: { ticksPerSecond: number; pageBytes: number } | undefined;
  return () => {
    units ??= {
      ticksPerSecond: Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })),
      pageBytes: Number(execFileSync('getconf', ['PAGESIZE'], { encoding: 'utf8' })),
    };
    return units;
  };
})();

/** CPU time (user + system) in microseconds and resident memory in bytes of one live process. */
export interface ProcessUsage {
  readonly cpuMicros: number;
  readonly rssBytes: number;
}

/**
 * `undefined` once the process is gone: a Postgres backend may end (idle pool timeout) between
 * being listed and being read, and costs the run nothing more from then on.
 */
export function readProcessUsage(pid: number): ProcessUsage | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const stat = parseProcStat(text);
  const { ticksPerSecond, pageBytes } = systemUnits();
  return {
    cpuMicros: ((stat.utimeTicks + stat.stimeTicks) * 1_000_000) / ticksPerSecond,
    rssBytes: stat.rssPages * pageBytes,
  };
}
