import { readFileSync } from 'node:fs';

/** The parts of a V8 `.cpuprofile` (written by `node --cpu-prof`) this reads. */
export interface CpuProfile {
  readonly nodes: readonly {
    readonly id: number;
    readonly callFrame: { readonly functionName: string; readonly url: string };
    readonly children?: readonly number[];
  }[];
  readonly startTime: number;
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface OtelShare {
  /** Busy samples of the steady window (idle, GC and "program" left out). */
  readonly busySamples: number;
  /** Share of them whose nearest JavaScript frame is OpenTelemetry code, 0..1. */
  readonly otel: number;
  /** The same, by package (`@opentelemetry/sdk-trace`, `packages/telemetry`). */
  readonly byPackage: ReadonlyMap<string, number>;
}

const IDLE = /^\((idle|program|garbage collector)\)$/;
const OTEL = /node_modules\/(@opentelemetry\/[^/]+)\/|\/(packages\/telemetry)\//;

/**
 * Reads one process's CPU profile and tells how much of its busy CPU went to OpenTelemetry: each
 * sample counts for the nearest frame with a JavaScript file (native work counts for the code that
 * called it). Only the longest run of seconds that were at least 30 % busy counts (the load), so
 * start-up and idle time between scenarios stay out.
 *
 * `packages/telemetry` includes the RED histogram, which every variant records (metrics are always
 * on): compare variants, not absolute values.
 *
 * @example
 * const share = otelShare(JSON.parse(readFileSync('CPU.1.cpuprofile', 'utf8')));
 * share.otel; // 0.19
 */
export function otelShare(profile: CpuProfile): OtelShare {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const idle = (id: number) => IDLE.test(byId.get(id)?.callFrame.functionName ?? '');

  let time = profile.startTime;
  const second = profile.timeDeltas.map((delta) => {
    time += delta;
    return Math.floor((time - profile.startTime) / 1e6);
  });
  const all = new Map<number, number>();
  const busy = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    const s = second[i] ?? 0;
    all.set(s, (all.get(s) ?? 0) + 1);
    if (!idle(id)) busy.set(s, (busy.get(s) ?? 0) + 1);
  });
  const hot = [...all]
    .filter(([s, count]) => (busy.get(s) ?? 0) / count >= 0.3)
    .map(([s]) => s)
    .sort((a, b) => a - b);
  let best: number[] = [];
  let run: number[] = [];
  for (const s of hot) {
    run = run.length > 0 && s === (run.at(-1) ?? 0) + 1 ? [...run, s] : [s];
    if (run.length > best.length) best = run;
  }
  const window = new Set(best);

  let busySamples = 0;
  const byPackage = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    if (!window.has(second[i] ?? -1) || idle(id)) return;
    busySamples += 1;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const url = byId.get(at)?.callFrame.url ?? '';
      if (url === '' || url.startsWith('node:')) continue;
      const match = OTEL.exec(url);
      const name = match?.[1] ?? match?.[2];
      if (name !== undefined) byPackage.set(name, (byPackage.get(name) ?? 0) + 1);
      break;
    }
  });
  const otelSamples = [...byPackage.values()].reduce((sum, n) => sum + n, 0);
  const share = (n: number) => (busySamples === 0 ? 0 : n / busySamples);
  return {
    busySamples,
    otel: share(otelSamples),
    byPackage: new Map([...byPackage].map(([name, n]) => [name, share(n)])),
  };
}

// `node src/otel-share.ts <file.cpuprofile>...`: one line per profile.
if (import.meta.main) {
  for (const file of process.argv.slice(2)) {
    const share = otelShare(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
    const parts = [...share.byPackage]
      .sort((a, b) => b[1] - a[1])
      .map(([name, value]) => `${name} ${(value * 100).toFixed(1)} %`);
    process.stdout.write(
      `${file}: ${(share.otel * 100).toFixed(1)} % of ${share.busySamples} busy samples in OpenTelemetry (${parts.join(', ')})\n`,
    );
  }
}
