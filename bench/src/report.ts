/** One measured run of one scenario: what the load generator saw and what the servers spent. */
export interface Sample {
  readonly requests: number;
  readonly durationSeconds: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Socket errors and timeouts. */
  readonly errors: number;
  /** Responses outside 2xx and 3xx. */
  readonly non2xx: number;
  /** Answers by status code, when the load generator tells them. */
  readonly statusCodes?: Readonly<Record<string, number>>;
  /** User + system CPU of every server process of the scenario, over the run. */
  readonly cpuMicros: number;
  /** Resident memory of those processes, summed, at the end of the run. */
  readonly rssBytes: number;
  /** `cpuMicros` split by process role (gateway, orders, redis, postgres...). */
  readonly cpuMicrosByRole?: Readonly<Record<string, number>>;
}

/** A scenario over all its rounds: medians of the per-round figures, errors summed. */
export interface Summary {
  readonly name: string;
  readonly rounds: number;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuMicrosPerRequest: number;
  readonly rssBytes: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly cpuMicrosPerRequestByRole: Readonly<Record<string, number>>;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Medians rather than means: one round disturbed by something else on the box (a GC storm, a
 * noisy neighbour) should not move the figure. CPU per request is per round too, so a round that
 * served fewer requests weighs the same as the others.
 */
export function summarize(name: string, samples: readonly Sample[]): Summary {
  return {
    name,
    rounds: samples.length,
    requestsPerSecond: median(samples.map((s) => s.requests / s.durationSeconds)),
    p50Ms: median(samples.map((s) => s.p50Ms)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    cpuMicrosPerRequest: median(samples.map((s) => s.cpuMicros / Math.max(1, s.requests))),
    rssBytes: median(samples.map((s) => s.rssBytes)),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    non2xx: samples.reduce((sum, s) => sum + s.non2xx, 0),
    cpuMicrosPerRequestByRole: Object.fromEntries(
      [...new Set(samples.flatMap((s) => Object.keys(s.cpuMicrosByRole ?? {})))].map((role) => [
        role,
        median(samples.map((s) => (s.cpuMicrosByRole?.[role] ?? 0) / Math.max(1, s.requests))),
      ]),
    ),
  };
}

const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
const times = (ratio: number) => `${ratio.toFixed(2)}x`;
const mebibytes = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const ms = (value: number) => `${value.toFixed(2)} ms`;

/**
 * A Markdown table: each figure and, in parentheses, its ratio to the baseline row. Throughput
 * reads as a share of the baseline (higher is better); CPU and memory as a multiple (lower is
 * better), so every ratio reads the way the issue's targets are written.
 *
 * @example
 * formatTable([raw, gateway], 'node:http hello world');
 */
export function formatTable(summaries: readonly Summary[], baselineName: string): string {
  const baseline = summaries.find((s) => s.name === baselineName);
  if (baseline === undefined) throw new Error(`no baseline row "${baselineName}"`);
  const header =
    '| scenario | req/s | p50 | p99 | CPU µs/req | RSS | errors |\n|---|---:|---:|---:|---:|---:|---:|';
  const rows = summaries.map((s) =>
    [
      s.name,
      `${Math.round(s.requestsPerSecond)} (${percent(s.requestsPerSecond / baseline.requestsPerSecond)})`,
      ms(s.p50Ms),
      `${ms(s.p99Ms)} (${times(s.p99Ms / baseline.p99Ms)})`,
      `${s.cpuMicrosPerRequest.toFixed(1)} (${times(s.cpuMicrosPerRequest / baseline.cpuMicrosPerRequest)})`,
      `${mebibytes(s.rssBytes)} (${times(s.rssBytes / baseline.rssBytes)})`,
      String(s.errors + s.non2xx),
    ].join(' | '),
  );
  return [header, ...rows.map((row) => `| ${row} |`)].join('\n');
}

/**
 * Where each scenario's CPU goes: µs per request for every process role, in the order the roles
 * first appear, a dash where a scenario does not use that process.
 */
export function formatCpuBreakdown(summaries: readonly Summary[]): string {
  const roles = [...new Set(summaries.flatMap((s) => Object.keys(s.cpuMicrosPerRequestByRole)))];
  const header = `| scenario | ${roles.join(' | ')} |\n|---|${roles.map(() => '---:').join('|')}|`;
  const rows = summaries.map((s) => {
    const cells = roles.map((role) => {
      const value = s.cpuMicrosPerRequestByRole[role];
      return value === undefined ? '–' : value.toFixed(1);
    });
    return `| ${s.name} | ${cells.join(' | ')} |`;
  });
  return [header, ...rows].join('\n');
}

/**
 * A target of the issue, checked against the summaries: a share of another row's throughput.
 * Either side may name several rows that run the same configuration in different process pairs:
 * that side's figures are then the medians over those rows, so that one pair that happens to run
 * slower or faster than its twins (±25 % on this kind of machine) does not decide the verdict.
 */
export interface Target {
  readonly label: string;
  readonly scenario: string | readonly string[];
  readonly reference: string | readonly string[];
  /**
   * `atLeast`: scenario/reference must reach it; `lossAtMost`: 1 - scenario/reference must not
   * exceed it; neither: a figure printed for context (INFO), never a miss.
   */
  readonly atLeast?: number;
  readonly lossAtMost?: number;
}

export interface Verdict {
  readonly met: boolean;
  readonly line: string;
}

interface Side {
  readonly requestsPerSecond: number;
  readonly cpuMicrosPerRequest: number;
  readonly p99Ms: number;
  readonly pairs: number;
}

/** One side of a target: its row, or the medians of its rows; undefined if any is missing. */
function side(names: string | readonly string[], summaries: readonly Summary[]): Side | undefined {
  const rows = (typeof names === 'string' ? [names] : names).map((name) =>
    summaries.find((s) => s.name === name),
  );
  if (rows.length === 0 || rows.some((row) => row === undefined)) return undefined;
  const found = rows as Summary[];
  return {
    requestsPerSecond: median(found.map((row) => row.requestsPerSecond)),
    cpuMicrosPerRequest: median(found.map((row) => row.cpuMicrosPerRequest)),
    p99Ms: median(found.map((row) => row.p99Ms)),
    pairs: found.length,
  };
}

/**
 * PASS or MISS per target on throughput, with both p99s beside it and the same ratio computed
 * from CPU per request (reference CPU ÷ scenario CPU): on a box where other work competes for
 * the cores, CPU time per request moves far less than req/s. Never throws on a miss.
 */
export function verdict(target: Target, summaries: readonly Summary[]): Verdict {
  const row = side(target.scenario, summaries);
  const reference = side(target.reference, summaries);
  if (row === undefined || reference === undefined) {
    return { met: false, line: `MISS ${target.label}: not measured` };
  }
  const ratio = row.requestsPerSecond / reference.requestsPerSecond;
  const cpuRatio = reference.cpuMicrosPerRequest / row.cpuMicrosPerRequest;
  const p99s = `p99 ${ms(row.p99Ms)} vs ${ms(reference.p99Ms)}`;
  const pairs = ({ pairs: n }: Side) => `${n} pair${n > 1 ? 's' : ''}`;
  const pooled =
    row.pairs > 1 || reference.pairs > 1
      ? `; median of ${pairs(row)} vs median of ${pairs(reference)}`
      : '';
  if (target.lossAtMost !== undefined) {
    const loss = 1 - ratio;
    const met = loss <= target.lossAtMost;
    return {
      met,
      line: `${met ? 'PASS' : 'MISS'} ${target.label}: ${percent(loss)} lost (target ≤ ${percent(target.lossAtMost)}); ${p99s}; by CPU per request ${percent(1 - cpuRatio)} lost${pooled}`,
    };
  }
  if (target.atLeast === undefined) {
    return {
      met: true,
      line: `INFO ${target.label}: ${percent(ratio)}; ${p99s}; by CPU per request ${percent(cpuRatio)}${pooled}`,
    };
  }
  const minimum = target.atLeast;
  const met = ratio >= minimum;
  return {
    met,
    line: `${met ? 'PASS' : 'MISS'} ${target.label}: ${percent(ratio)} (target ≥ ${percent(minimum)}); ${p99s}; by CPU per request ${percent(cpuRatio)}${pooled}`,
  };
}

/** The error target: every scenario, every round, no socket error and no non-2xx answer. */
export function errorVerdict(summaries: readonly Summary[], connections: number): Verdict {
  const failing = summaries.filter((s) => s.errors + s.non2xx > 0);
  return failing.length === 0
    ? { met: true, line: `PASS no errors at ${connections} connections in any scenario` }
    : {
        met: false,
        line: `MISS errors at ${connections} connections: ${failing
          .map((s) => `${s.name} (${s.errors} socket, ${s.non2xx} non-2xx)`)
          .join(', ')}`,
      };
}
