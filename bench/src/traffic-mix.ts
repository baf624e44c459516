import { median } from './report.ts';

/** A kind of call in the mix and how often it is made, relative to the others. */
export interface MixEntry<K extends string = string> {
  readonly kind: K;
  readonly weight: number;
}

/**
 * The shop's traffic, read-heavy as a catalog is: product pages, catalog pages, a customer's order
 * history, and now and then an order placed. Weights are relative.
 */
export const SHOP_MIX = [
  { kind: 'read a product', weight: 60 },
  { kind: 'list products', weight: 20 },
  { kind: 'list orders', weight: 12 },
  { kind: 'place an order', weight: 8 },
] as const satisfies readonly MixEntry[];

export type ShopCall = (typeof SHOP_MIX)[number]['kind'];

/** The entry that `random` (0 ≤ random < 1) falls on, each entry's chance its share of the weights. */
export function pick<K extends string>(mix: readonly MixEntry<K>[], random: number): K {
  const total = mix.reduce((sum, entry) => sum + entry.weight, 0);
  let point = random * total;
  for (const entry of mix) {
    if (point < entry.weight) return entry.kind;
    point -= entry.weight;
  }
  // random was 1 or more, or rounding left a sliver at the end: the last entry.
  return (mix[mix.length - 1] as MixEntry<K>).kind;
}

/** One call as the load generator saw it; status 0 is a call that got no response. */
export interface CallRecord {
  readonly kind: string;
  readonly status: number;
  readonly ms: number;
}

export interface KindSummary {
  readonly kind: string;
  readonly calls: number;
  readonly share: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** Calls by status, `0` for those that got no response. */
  readonly statuses: ReadonlyMap<number, number>;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const index = Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
  return sorted[Math.max(0, index)] as number;
}

/** Per kind, in the mix's order: calls, share of all calls, p50 and p99 latency, statuses. */
export function summarize(mix: readonly MixEntry[], records: readonly CallRecord[]): KindSummary[] {
  return mix.map(({ kind }) => {
    const own = records.filter((record) => record.kind === kind);
    const latencies = own.map((record) => record.ms).sort((a, b) => a - b);
    const statuses = new Map<number, number>();
    for (const record of own) statuses.set(record.status, (statuses.get(record.status) ?? 0) + 1);
    return {
      kind,
      calls: own.length,
      share: records.length === 0 ? 0 : own.length / records.length,
      p50Ms: latencies.length === 0 ? 0 : median(latencies),
      p99Ms: percentile(latencies, 0.99),
      statuses: new Map([...statuses].sort((a, b) => a[0] - b[0])),
    };
  });
}

/** The summary as a Markdown table, calls per second over `seconds`. */
export function mixTable(summaries: readonly KindSummary[], seconds: number): string {
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  const rows = summaries.map((summary) => {
    const statuses = [...summary.statuses].map(([status, count]) => `${status} × ${count}`);
    return `| ${summary.kind} | ${(summary.calls / seconds).toFixed(0)} | ${(summary.share * 100).toFixed(1)} % | ${ms(summary.p50Ms)} | ${ms(summary.p99Ms)} | ${statuses.join(', ')} |`;
  });
  const calls = summaries.reduce((sum, summary) => sum + summary.calls, 0);
  return [
    '| call | per second | share | p50 | p99 | statuses |',
    '|---|---:|---:|---:|---:|---|',
    ...rows,
    `| all | ${(calls / seconds).toFixed(0)} | 100 % | | | |`,
  ].join('\n');
}
