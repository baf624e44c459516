import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import autocannon from 'autocannon';
import { positiveIntegerEnv } from './env-integer.ts';
import { pinToLoadCore, type Server, startOtlpSink, stop } from './processes.ts';
import { median } from './report.ts';
import { seed } from './seed.ts';
import { type Stack, startStack, type Variant } from './stack.ts';

/**
 * `npm run telemetry-cost -w @groundwork/bench`: what tracing costs the authenticated cached read
 * through the gateway (`GET /v1/products/:id`: edge ES256 verify from the verified-token cache,
 * Redis rate limit, orders' own verify, Redis cache hit), in CPU microseconds per request of each
 * process, with spans exported to a loopback OTLP sink versus telemetry disabled.
 *
 * It counts work, not time: every round sends the same number of requests to each variant and
 * reads the CPU time (every thread, `/proc/<pid>/task/<tid>/schedstat`) that gateway, orders and
 * Redis spent on them.
 * On the shared 2-core machine req/s moves with whatever else runs; CPU per request moves far
 * less, and the variants are interleaved (each round starts one variant later) so that a busy
 * minute disturbs all of them alike. Servers run on core 0, the load and the sink on core 1, as
 * in `npm run bench`. With the servers CPU-bound on one core, throughput is inversely
 * proportional to CPU per request, so "lost" below is `1 - cpu(off) / cpu(variant)`, computed
 * within each round and reported as the median over the rounds.
 *
 * Environment (defaults in brackets):
 * - TELEMETRY_COST_VARIANTS [off,otlp]: pairs to start, among `off` (OTEL_SDK_DISABLED=true),
 *   `unset` (no endpoint), `otlp` (every span exported), `otlp-0.1` and `otlp-0` (sampler ratio);
 *   `otlp:2` starts a second pair of the same variant (the gap between them is the pair noise);
 *   `otlp+NAME=VALUE` adds an environment variable to a variant's processes (a setting to try);
 *   `otlp@<dir>` runs orders and the gateway from another checkout (a baseline commit, made with
 *   `bench/scripts/baseline-checkout.sh <commit> <dir>`), so before and after share one run.
 * - TELEMETRY_COST_ROUNDS [40], TELEMETRY_COST_REQUESTS [1000] per variant per round,
 *   TELEMETRY_COST_CONNECTIONS [16], TELEMETRY_COST_PREWARM [6000] requests per pair first.
 * - BENCH_PROFILE_DIR=<dir>: each orders and gateway process writes a CPU profile at exit (read it
 *   with `src/otel-share.ts`).
 */

const ROUNDS = positiveIntegerEnv('TELEMETRY_COST_ROUNDS', 40);
const REQUESTS = positiveIntegerEnv('TELEMETRY_COST_REQUESTS', 1000);
const CONNECTIONS = positiveIntegerEnv('TELEMETRY_COST_CONNECTIONS', 16);
const PREWARM = positiveIntegerEnv('TELEMETRY_COST_PREWARM', 6000);
const ROLES = ['gateway', 'orders', 'redis'] as const;
const print = (line: string) => process.stdout.write(`${line}\n`);

function variantEnv(base: string, sinkUrl: string): Record<string, string> {
  const otlp = { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl };
  switch (base) {
    case 'off':
      return { OTEL_SDK_DISABLED: 'true' };
    case 'unset':
      return {};
    case 'otlp':
      return otlp;
    case 'otlp-0.1':
      return { ...otlp, OTEL_TRACES_SAMPLER_ARG: '0.1' };
    case 'otlp-0':
      return { ...otlp, OTEL_TRACES_SAMPLER_ARG: '0' };
    default:
      throw new Error(`TELEMETRY_COST_VARIANTS: unknown variant ${base}`);
  }
}

/** Sends exactly `amount` requests over `connections` keep-alive connections. */
async function drive(url: string, token: string, amount: number) {
  const result = await autocannon({
    url,
    headers: { authorization: `Bearer ${token}` },
    connections: CONNECTIONS,
    amount,
  });
  const failed = result.errors + result.timeouts + result.non2xx;
  if (failed > 0) {
    const codes = Object.entries(result.statusCodeStats ?? {}).map(
      ([code, stats]) => `${code} × ${stats.count}`,
    );
    throw new Error(
      `${url}: ${failed} of ${amount} requests failed (${result.errors} errors, ${result.timeouts} timeouts; ${codes.join(', ')})`,
    );
  }
  return { requests: result.requests.total, seconds: result.duration };
}

type Usage = Record<(typeof ROLES)[number], number>;

/**
 * CPU time of every thread of a process, in microseconds, from `/proc/<pid>/task/<tid>/schedstat`
 * (nanoseconds on the CPU) rather than `/proc/<pid>/stat` (10 ms ticks): fine enough for short
 * rounds, and it counts V8's GC helper threads and libuv's pool beside the main thread.
 */
function cpuMicros(pid: number): number {
  let nanos = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    try {
      nanos += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // A thread that ended since the listing: its time is lost with it.
    }
  }
  return nanos / 1000;
}

function cpuOf(stack: Stack, key: string): Usage {
  const pair = stack.pairs.get(key);
  if (pair === undefined) throw new Error(`no ${key} pair`);
  const read = (server: Server) => cpuMicros(server.pid);
  return { gateway: read(pair.gateway), orders: read(pair.orders), redis: read(stack.redis) };
}

/**
 * One variant's share of a round: CPU per request over `REQUESTS` requests. A busy machine can
 * make a service shed load (503) and the gateway's breaker then refuses calls for 10 s: such a
 * try is dropped, and the round tried again once the breaker has closed.
 */
async function measureRound(stack: Stack, key: string, url: string, token: string) {
  for (let attempt = 1; ; attempt += 1) {
    try {
      // A few unmeasured requests first, so a token newly verified is not in the count.
      await drive(url, token, 100);
      const before = cpuOf(stack, key);
      const { requests } = await drive(url, token, REQUESTS);
      const after = cpuOf(stack, key);
      return Object.fromEntries(
        ROLES.map((role) => [role, (after[role] - before[role]) / requests]),
      ) as Usage;
    } catch (error) {
      if (attempt === 3) throw error;
      process.stderr.write(`${key}: ${(error as Error).message}; trying again in 12 s\n`);
      await new Promise((resolve) => setTimeout(resolve, 12_000));
    }
  }
}

const us = (value: number) => value.toFixed(0).padStart(5);

/** The first (1) or third (3) quartile, by the median of each half. */
function quartile(values: readonly number[], which: 1 | 3): number {
  const sorted = [...values].sort((a, b) => a - b);
  const half = Math.floor(sorted.length / 2);
  return median(which === 1 ? sorted.slice(0, half) : sorted.slice(sorted.length - half));
}

async function main() {
  pinToLoadCore();
  const keys = (process.env.TELEMETRY_COST_VARIANTS ?? 'off,otlp').split(',').map((k) => k.trim());
  const loadBefore = loadavg()[0]?.toFixed(2);
  const { sink, url: sinkUrl } = await startOtlpSink();
  const variants: Variant[] = keys.map((key) => {
    const [spec = key, root] = key.split('@');
    const [name = spec, ...settings] = spec.split('+');
    const extra = Object.fromEntries(
      settings.map((setting) => {
        const at = setting.indexOf('=');
        if (at < 1) throw new Error(`TELEMETRY_COST_VARIANTS: ${setting} is not NAME=VALUE`);
        return [setting.slice(0, at), setting.slice(at + 1)];
      }),
    );
    return {
      key,
      env: { LOG_LEVEL: 'info', ...variantEnv(name.split(':')[0] ?? name, sinkUrl), ...extra },
      ...(root === undefined ? {} : { root }),
    };
  });
  let stack: Stack | undefined;
  try {
    stack = await startStack(variants);
    const first = stack.pairs.get(keys[0] ?? '');
    if (first === undefined) throw new Error('no pair started');
    const seeded = await seed(stack.identityUrl, first.ordersUrl);
    const path = `/v1/products/${seeded.productId}`;
    const url = (key: string) => `${stack?.pairs.get(key)?.gatewayUrl}${path}`;
    let token = await seeded.accessToken();
    for (const key of keys) await drive(url(key), token, PREWARM);

    const perRequest = new Map<string, Usage[]>(keys.map((key) => [key, []]));
    for (let round = 0; round < ROUNDS; round += 1) {
      // A fresh token now and then, so none expires in a long run.
      if (round % 10 === 9) token = await seeded.accessToken();
      const order = keys.map((_, i) => keys[(i + round) % keys.length] as string);
      for (const key of order) {
        const usage = await measureRound(stack, key, url(key), token);
        perRequest.get(key)?.push(usage);
        print(
          `round ${round + 1}/${ROUNDS} ${key} µs/req gateway ${us(usage.gateway)} orders ${us(usage.orders)} redis ${us(usage.redis)}`,
        );
      }
    }

    const summary = keys.map((key) => {
      const samples = perRequest.get(key) ?? [];
      const byRole = Object.fromEntries(
        ROLES.map((role) => [role, median(samples.map((s) => s[role]))]),
      ) as Usage;
      const totals = samples.map((s) => s.gateway + s.orders + s.redis);
      return {
        key,
        byRole,
        total: median(totals),
        low: Math.min(...totals),
        high: Math.max(...totals),
      };
    });
    const referenceKey = keys.includes('off') ? 'off' : (keys[0] as string);
    const reference = summary.find((s) => s.key === referenceKey);
    // Each round measures every variant within a minute or so: the loss computed within a round
    // cancels whatever load the machine had during it, and its median over the rounds is the
    // figure to quote. The loss of the medians is printed beside it.
    const total = (usage: Usage) => usage.gateway + usage.orders + usage.redis;
    const pairedLosses = (key: string) => {
      const variant = perRequest.get(key) ?? [];
      const base = perRequest.get(referenceKey) ?? [];
      return variant.map((usage, i) => 1 - total(base[i] as Usage) / total(usage));
    };
    const percent = (ratio: number) => `${(ratio * 100).toFixed(1)} %`;
    print(
      `\n${ROUNDS} rounds × ${REQUESTS} cached reads through the gateway, ${CONNECTIONS} connections; load average ${loadBefore} before, ${loadavg()[0]?.toFixed(2)} after`,
    );
    print(
      `| variant | gateway | orders | redis | total µs/req (min–max) | lost vs ${referenceKey}, median of rounds (quartiles) | lost, of the medians |`,
    );
    print('|---|---:|---:|---:|---:|---:|---:|');
    for (const s of summary) {
      const lost = reference === undefined ? Number.NaN : 1 - reference.total / s.total;
      const paired = pairedLosses(s.key);
      print(
        `| ${s.key} | ${s.byRole.gateway.toFixed(0)} | ${s.byRole.orders.toFixed(0)} | ${s.byRole.redis.toFixed(0)} | ${s.total.toFixed(0)} (${s.low.toFixed(0)}–${s.high.toFixed(0)}) | ${percent(median(paired))} (${percent(quartile(paired, 1))}–${percent(quartile(paired, 3))}) | ${percent(lost)} |`,
      );
    }
  } finally {
    await stack?.close();
    await stop(sink);
  }
}

await main();
