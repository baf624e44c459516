import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { until } from '@groundwork/testing';
import { describeWithServices } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { applyEffect, effectKeys } from '../test/support/effect-job.ts';
import { useQueueRedis } from '../test/support/queue-redis.ts';
import { createProducer } from './create-producer.ts';
import { listDeadLetters } from './dead-letters.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/effect-worker.ts', import.meta.url));
const JOBS = 200;
const CONCURRENCY = 10;
const LOCK_DURATION_MS = 1_000;
const STALLED_INTERVAL_MS = 500;

interface WorkerProcess {
  readonly child: ChildProcess;
  /** Epoch ms of each line the fixture printed, by message. */
  readonly said: Map<string, number>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running: ChildProcess[] = [];
afterEach(() => {
  for (const child of running.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describeWithServices('a worker process that dies mid-run', ['redis'], () => {
  const redis = useQueueRedis();
  // Each test has its own queue prefix: its job ids would otherwise be deduplicated against the
  // jobs the other test kept.
  let prefix = '';
  beforeEach((context) => {
    prefix = `${redis.prefix}:${context.task.id}`;
  });
  const where = () => ({ connection: redis.connection, prefix });

  async function startWorkerProcess(extraEnv: Record<string, string> = {}): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ['--conditions=@groundwork/source', FIXTURE], {
      env: {
        ...process.env,
        REDIS_URL: redis.url,
        QUEUE_PREFIX: prefix,
        CONCURRENCY: String(CONCURRENCY),
        JOB_MS: '20',
        LOCK_DURATION_MS: String(LOCK_DURATION_MS),
        STALLED_INTERVAL_MS: String(STALLED_INTERVAL_MS),
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    running.push(child);
    const said = new Map<string, number>();
    let buffered = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const { msg, at } = JSON.parse(line) as { msg: string; at: number };
        said.set(msg, at);
      }
    });
    const exited = once(child, 'exit').then(([code, signal]) => ({
      code: code as number | null,
      signal: signal as NodeJS.Signals | null,
    }));
    await until('the worker process is ready', () => said.has('ready') || child.exitCode !== null);
    if (!said.has('ready')) throw new Error(`the worker process exited with ${child.exitCode}`);
    return { child, said, exited };
  }

  async function enqueueAll(): Promise<string[]> {
    const producer = createProducer(where());
    const ids = Array.from({ length: JOBS }, (_, n) => `job-${n}`);
    await Promise.all(ids.map((jobId, n) => producer.enqueue(applyEffect, { n }, { jobId })));
    await producer.close();
    return ids;
  }

  async function evidence(ids: readonly string[]) {
    const keys = effectKeys(prefix);
    const effects = await redis.connection.hgetall(keys.effects);
    const skipped = await redis.connection.hgetall(keys.skipped);
    const starts = new Map<string, number[]>();
    for (const id of ids) {
      starts.set(id, (await redis.connection.lrange(keys.starts(id), 0, -1)).map(Number));
    }
    const events = await redis.connection.xrange(`${prefix}:${applyEffect.queue}:events`, '-', '+');
    const stalled = events
      .map(([, fields]) => Object.fromEntries(chunk(fields)))
      .filter((event) => event.event === 'stalled')
      .map((event) => event.jobId);
    return { effects, skipped, starts, stalled };
  }

  async function effectCount(): Promise<number> {
    return redis.connection.scard(effectKeys(prefix).inbox);
  }

  async function drained(): Promise<boolean> {
    const queue = new Queue(applyEffect.queue, where());
    const {
      waiting = 0,
      active = 0,
      delayed = 0,
      completed = 0,
    } = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed');
    await queue.close();
    return completed === JOBS && waiting + active + delayed === 0;
  }

  test(`when the worker is SIGKILLed halfway through ${JOBS} jobs, then a second worker re-runs the stalled jobs within the stall bound and every effect exists exactly once`, async () => {
    const ids = await enqueueAll();
    const first = await startWorkerProcess({ HANG_AFTER_EFFECTS: String(JOBS / 2) });
    await until('half the effects are applied', () => first.said.has('halfway'));

    const killedAt = Date.now();
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const second = await startWorkerProcess();
    await until('every job completed', drained, { timeoutMs: 15_000 });

    const { effects, skipped, starts, stalled } = await evidence(ids);
    // 0 lost, 0 duplicated.
    expect(Object.keys(effects)).toHaveLength(JOBS);
    expect(Object.values(effects).every((count) => count === '1')).toBe(true);
    // The job that hung after its effect ran again, and its inbox row stopped a second effect.
    expect(Object.keys(skipped).length).toBeGreaterThanOrEqual(1);
    const rerun = [...starts].filter(([, times]) => times.length > 1);
    expect(rerun.length).toBeGreaterThanOrEqual(1);
    expect(rerun.length).toBeLessThanOrEqual(CONCURRENCY);
    expect(rerun.map(([id]) => id).every((id) => stalled.includes(id))).toBe(true);
    // The lock lapses within LOCK_DURATION_MS of the kill; the next check after a marking check
    // moves the job back: at most two stalled intervals once both the lock and worker are gone.
    const readyAt = second.said.get('ready') ?? killedAt;
    const bound = Math.max(killedAt + LOCK_DURATION_MS, readyAt) + 2 * STALLED_INTERVAL_MS + 250;
    for (const [, times] of rerun) {
      expect(times[1]).toBeGreaterThan(killedAt);
      expect(times[1]).toBeLessThanOrEqual(bound);
    }
    expect(await listDeadLetters({ ...where(), queue: applyEffect.queue })).toEqual([]);
  }, 25_000);

  test(`when the worker gets SIGTERM halfway through ${JOBS} jobs, then it finishes its active jobs, exits 0 and no job stalls`, async () => {
    const ids = await enqueueAll();
    const first = await startWorkerProcess();
    await until('half the effects are applied', async () => (await effectCount()) >= JOBS / 2);

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    const queue = new Queue(applyEffect.queue, where());
    expect(await queue.getActiveCount()).toBe(0);
    await queue.close();
    const leftAfterFirst = JOBS - (await effectCount());
    await startWorkerProcess();
    await until('every job completed', drained, { timeoutMs: 15_000 });

    const { effects, skipped, starts, stalled } = await evidence(ids);
    expect(leftAfterFirst).toBeGreaterThan(0);
    expect(Object.keys(effects)).toHaveLength(JOBS);
    expect(Object.values(effects).every((count) => count === '1')).toBe(true);
    expect(skipped).toEqual({});
    expect([...starts.values()].every((times) => times.length === 1)).toBe(true);
    expect(stalled).toEqual([]);
  }, 25_000);
});

function chunk(fields: string[]): [string, string][] {
  const pairs: [string, string][] = [];
  for (let i = 0; i + 1 < fields.length; i += 2) pairs.push([fields[i] ?? '', fields[i + 1] ?? '']);
  return pairs;
}
