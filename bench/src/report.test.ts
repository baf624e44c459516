import { describe, expect, it } from 'vitest';
import {
  errorVerdict,
  formatCpuBreakdown,
  formatTable,
  median,
  type Sample,
  summarize,
  verdict,
} from './report.ts';

const sample = (requests: number, p99Ms: number, cpuMicros: number): Sample => ({
  requests,
  durationSeconds: 5,
  p50Ms: 1,
  p99Ms,
  errors: 0,
  non2xx: 0,
  cpuMicros,
  rssBytes: 64 * 2 ** 20,
});

const raw = summarize('raw', [sample(90_000, 2, 4_500_000), sample(110_000, 3, 5_500_000)]);
const gateway = summarize('gateway', [sample(20_000, 10, 5_000_000)]);

describe('summarize', () => {
  it('when rounds differ, then req/s, p99 and CPU per request are their medians', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(raw.requestsPerSecond).toBe(20_000);
    expect(raw.p99Ms).toBe(2.5);
    expect(gateway.cpuMicrosPerRequest).toBe(250);
  });
});

describe('formatTable', () => {
  it('when a row is a fifth of the baseline, then it shows 20 % throughput and 5x CPU per request', () => {
    const table = formatTable([raw, gateway], 'raw');
    const gatewayRow = table.split('\n').find((line) => line.startsWith('| gateway'));
    expect(gatewayRow).toContain('4000 (20.0 %)');
    expect(gatewayRow).toContain('250.0 (5.00x)');
    expect(gatewayRow).toContain('64 MiB (1.00x)');
  });

  it('when the baseline is missing, then it throws', () => {
    expect(() => formatTable([gateway], 'raw')).toThrow(/no baseline/);
  });
});

describe('formatCpuBreakdown', () => {
  it('when scenarios use different processes, then each role is a column and unused ones a dash', () => {
    const split = (name: string, byRole: Record<string, number>) =>
      summarize(name, [{ ...sample(1000, 1, 0), cpuMicrosByRole: byRole }]);
    const table = formatCpuBreakdown([
      split('direct', { orders: 200_000, redis: 10_000 }),
      split('gateway', { gateway: 300_000, orders: 200_000 }),
    ]);
    expect(table.split('\n')).toEqual([
      '| scenario | orders | redis | gateway |',
      '|---|---:|---:|---:|',
      '| direct | 200.0 | 10.0 | – |',
      '| gateway | 200.0 | – | 300.0 |',
    ]);
  });
});

describe('verdict', () => {
  it('when a share target is missed, then the line says MISS with both p99s and the CPU-based share', () => {
    const result = verdict({ label: 'hop', scenario: 'gateway', reference: 'raw', atLeast: 0.3 }, [
      raw,
      gateway,
    ]);
    expect(result).toEqual({
      met: false,
      line: 'MISS hop: 20.0 % (target ≥ 30.0 %); p99 10.00 ms vs 2.50 ms; by CPU per request 20.0 %',
    });
  });

  it('when a target has no bound, then the line says INFO and the target counts as met', () => {
    const result = verdict({ label: 'floor', scenario: 'gateway', reference: 'raw' }, [
      raw,
      gateway,
    ]);
    expect(result).toEqual({
      met: true,
      line: 'INFO floor: 20.0 %; p99 10.00 ms vs 2.50 ms; by CPU per request 20.0 %',
    });
  });

  it('when the loss is within its bound, then the line says PASS', () => {
    const slower = summarize('slower', [sample(98_000, 2, 1)]);
    const result = verdict(
      { label: 'cost', scenario: 'slower', reference: 'raw', lossAtMost: 0.03 },
      [raw, slower],
    );
    expect(result.met).toBe(true);
    expect(result.line).toMatch(/^PASS cost: 2\.0 % lost/);
  });

  it('when scenario and reference are each several identical pairs, then each side is the median of its pairs', () => {
    // Three tracing-off pairs, one of them slow; two tracing-on pairs.
    const off = [40_000, 50_000, 30_000].map((requests, i) =>
      summarize(`off ${i}`, [sample(requests, 2, requests * 100)]),
    );
    const on = [35_000, 45_000].map((requests, i) =>
      summarize(`on ${i}`, [sample(requests, 4, requests * 125)]),
    );
    const result = verdict(
      {
        label: 'tracing',
        scenario: on.map((s) => s.name),
        reference: off.map((s) => s.name),
        lossAtMost: 0.2,
      },
      [...off, ...on],
    );
    // 8,000 req/s (median of 7,000 and 9,000) against 8,000 (median of 8,000, 10,000 and 6,000).
    expect(result).toEqual({
      met: true,
      line: 'PASS tracing: 0.0 % lost (target ≤ 20.0 %); p99 4.00 ms vs 2.00 ms; by CPU per request 20.0 % lost; median of 2 pairs vs median of 3 pairs',
    });
  });

  it('when one of several reference rows was not measured, then the target is not measured', () => {
    const result = verdict(
      { label: 'tracing', scenario: 'gateway', reference: ['raw', 'absent'], lossAtMost: 0.2 },
      [raw, gateway],
    );
    expect(result).toEqual({ met: false, line: 'MISS tracing: not measured' });
  });

  it('when any scenario saw a non-2xx answer, then the error target is missed and names it', () => {
    const failing = summarize('gateway', [{ ...sample(1, 1, 1), non2xx: 3 }]);
    expect(errorVerdict([raw, failing], 50).line).toBe(
      'MISS errors at 50 connections: gateway (0 socket, 3 non-2xx)',
    );
    expect(errorVerdict([raw], 50).met).toBe(true);
  });
});
