import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import autocannon from 'autocannon';
import { positiveIntegerEnv } from './env-integer.ts';
import { concernShares, parsePerfScript } from './perf-groups.ts';
import { pinToLoadCore, startOtlpSink } from './processes.ts';
import { seed } from './seed.ts';
import { startStack } from './stack.ts';

/**
 * `npm run profile-hold -w @groundwork/bench`: where the CPU of a cached read goes, by concern
 * (socket I/O, undici, ioredis, log lines, GC, OpenTelemetry...), in every process it touches.
 *
 * It starts one orders + gateway pair as `npm run bench` does (servers pinned to core 0, load on
 * core 1), drives the authenticated cached read at 50 connections, and records core 0 with Linux
 * `perf` (kernel time included, which a V8 profile cannot see) while the load is steady. Node
 * runs with `--perf-basic-prof-only-functions` so JavaScript frames have names. It prints one
 * table by concern (see `perf-groups.ts`) and keeps `perf-script.txt` for a closer look.
 *
 * Environment (defaults in brackets): PROFILE_VARIANT [off] `off` (OTEL_SDK_DISABLED=true) or
 * `otlp` (every span exported to a loopback sink); PROFILE_TARGET [gateway] or `orders` (the
 * direct read); PROFILE_SECONDS [15] recorded; PROFILE_DIR [/tmp/groundwork-profile].
 * Needs `perf` (Debian: `apt-get install linux-perf`) and the rights to record a CPU (root, or
 * `kernel.perf_event_paranoid` ≤ 0).
 */

const SECONDS = positiveIntegerEnv('PROFILE_SECONDS', 15);
const VARIANT = process.env.PROFILE_VARIANT ?? 'off';
const TARGET = process.env.PROFILE_TARGET ?? 'gateway';
const DIR = process.env.PROFILE_DIR ?? '/tmp/groundwork-profile';
const appsDir = fileURLToPath(new URL('../../apps/', import.meta.url));

function requirePerf() {
  const found = spawnSync('perf', ['--version'], { stdio: 'ignore' });
  if (found.status !== 0) {
    throw new Error(
      'perf not found: install it with `sudo apt-get install -y linux-perf` (Debian)',
    );
  }
}

async function telemetryEnv(): Promise<Record<string, string>> {
  if (VARIANT === 'off') return { OTEL_SDK_DISABLED: 'true' };
  if (VARIANT !== 'otlp') throw new Error(`PROFILE_VARIANT: ${VARIANT} is not off or otlp`);
  const { url } = await startOtlpSink();
  return { OTEL_EXPORTER_OTLP_ENDPOINT: url };
}

/** V8 writes a code log beside each app when perf maps are on; nothing reads it afterwards. */
function removeCodeLogs(pids: readonly number[]) {
  for (const app of readdirSync(appsDir, { withFileTypes: true })) {
    if (!app.isDirectory()) continue;
    for (const file of readdirSync(`${appsDir}${app.name}`)) {
      if (pids.some((pid) => file.startsWith('isolate-') && file.includes(`-${pid}-`))) {
        rmSync(`${appsDir}${app.name}/${file}`);
      }
    }
  }
  for (const pid of pids) rmSync(`/tmp/perf-${pid}.map`, { force: true });
}

async function main() {
  requirePerf();
  pinToLoadCore();
  mkdirSync(DIR, { recursive: true });
  const env = {
    LOG_LEVEL: 'info',
    NODE_OPTIONS: '--perf-basic-prof-only-functions',
    ...(await telemetryEnv()),
  };
  const stack = await startStack([{ key: VARIANT, env }]);
  const pair = stack.pairs.get(VARIANT);
  if (pair === undefined) throw new Error('no pair started');
  const pids = { gateway: pair.gateway.pid, orders: pair.orders.pid, redis: stack.redis.pid };
  try {
    const seeded = await seed(stack.identityUrl, pair.ordersUrl);
    const token = await seeded.accessToken();
    const origin = TARGET === 'orders' ? pair.ordersUrl : pair.gatewayUrl;
    const load = (duration: number) =>
      autocannon({
        url: `${origin}/v1/products/${seeded.productId}`,
        headers: { authorization: `Bearer ${token}` },
        connections: 50,
        duration,
      });
    process.stdout.write(`warming up ${TARGET} (${VARIANT}) for 8 s\n`);
    await load(8);
    process.stdout.write(`recording core 0 for ${SECONDS} s\n`);
    const data = `${DIR}/perf.data`;
    const loaded = load(SECONDS + 4);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    // Asynchronously: the load generator runs in this process's event loop.
    await promisify(execFile)('perf', [
      ...['record', '-F', '1999', '-g', '-C', '0', '-o', data],
      ...['--', 'sleep', String(SECONDS)],
    ]);
    const result = await loaded;
    const script = execFileSync(
      'perf',
      ['script', '-i', data, '-F', 'pid,tid,ip,sym', '--no-demangle'],
      {
        maxBuffer: 1 << 30,
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    ).toString();
    writeFileSync(`${DIR}/perf-script.txt`, script);
    const samples = parsePerfScript(script);
    process.stdout.write(
      `${Math.round(result.requests.average)} req/s, ${result.non2xx} non-2xx, ${result.errors} errors; pids ${JSON.stringify(pids)}\n`,
    );
    for (const [name, pid] of Object.entries(pids)) {
      const shares = [...concernShares(samples, pid)]
        .map(([concern, share]) => `${(share * 100).toFixed(1)} % ${concern}`)
        .join('; ');
      process.stdout.write(`${name}: ${shares}\n`);
    }
    process.stdout.write(
      `samples: ${DIR}/perf-script.txt (table: npx node src/perf-groups.ts ${DIR}/perf-script.txt gateway=${pids.gateway} orders=${pids.orders} redis=${pids.redis})\n`,
    );
  } finally {
    await stack.close();
    removeCodeLogs([pids.gateway, pids.orders]);
  }
}

await main();
process.exit(0);
