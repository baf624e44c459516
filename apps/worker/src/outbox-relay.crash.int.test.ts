import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { useQueueRedis } from '@groundwork/queue/testing';
import { until } from '@groundwork/testing';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import type pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { killProcessesAfterEach, startNodeProcess } from '../test/support/child-process.ts';
import { insertEvents, outboxTemplate } from '../test/support/outbox-database.ts';
import { queueEvents, recordEvent } from '../test/support/relay-test-job.ts';
import { testPool } from '../test/support/test-pool.ts';

const RELAY = fileURLToPath(new URL('../test/fixtures/relay-process.ts', import.meta.url));
// More aggregates than a batch locks, so that both relays find work at the same time.
const AGGREGATES = 100;
const EVENTS_PER_AGGREGATE = 5;
const EVENTS = AGGREGATES * EVENTS_PER_AGGREGATE;

killProcessesAfterEach();

describeWithServices('two outbox relays, one killed mid-batch', ['postgres', 'redis'], () => {
  const db = usePostgres({ template: outboxTemplate });
  const redis = useQueueRedis();
  let pool: pg.Pool;

  beforeAll(() => {
    pool = testPool(db.url);
  });
  afterAll(async () => {
    await pool?.end();
  });

  const startRelay = (env: Record<string, string> = {}) =>
    startNodeProcess(RELAY, {
      SOURCE_URL: db.url,
      REDIS_URL: redis.url,
      QUEUE_PREFIX: redis.prefix,
      BATCH_SIZE: '20',
      POLL_INTERVAL_MS: '200',
      ...env,
    });

  test(`when two relays share ${EVENTS} events and one is SIGKILLed mid-batch, then every event is delivered exactly once and in order within its aggregate`, async () => {
    const doomed = startRelay({ HANG_AFTER_ENQUEUES: '15' });
    const survivor = startRelay();
    await Promise.all([
      doomed.waitFor('the first relay is ready', (line) => line.msg === 'ready'),
      survivor.waitFor('the second relay is ready', (line) => line.msg === 'ready'),
    ]);
    const events = Array.from({ length: EVENTS_PER_AGGREGATE }, (_, seq) =>
      Array.from({ length: AGGREGATES }, (_, a) => ({
        id: randomUUID(),
        aggregate: `order-${a}`,
        type: 'test.happened',
        payload: { aggregate: `order-${a}`, seq },
      })),
    ).flat();
    await insertEvents(pool, events);

    const enqueuedBy = (relay: typeof doomed) =>
      relay.lines.filter((line) => line.msg === 'enqueued').map((line) => line.id as string);
    await doomed.waitFor('the first relay hangs mid-batch', (line) => line.msg === 'hanging');
    // Both at work before the kill: the survivor relays other aggregates while the first relay
    // hangs holding its own (waiting for it, not racing it, keeps the test about the handover).
    await survivor.waitFor('the second relay relays too', (line) => line.msg === 'enqueued');
    const { rows: stillUnmarked } = await pool.query(
      'SELECT id FROM outbox WHERE id = ANY($1::uuid[]) AND "publishedAt" IS NULL',
      [enqueuedBy(doomed)],
    );
    const killedAt = Date.now();
    doomed.child.kill('SIGKILL');
    expect((await doomed.exited).signal).toBe('SIGKILL');
    // Its other aggregates were enqueueing side by side: a few more may have got through.
    const enqueuedByDoomed = enqueuedBy(doomed);
    await until(
      'every event is published',
      async () => {
        const { rows } = await pool.query(
          'SELECT count(*)::int AS n FROM outbox WHERE "publishedAt" IS NULL',
        );
        return rows[0].n === 0;
      },
      { timeoutMs: 15_000 },
    );

    // Both relays were at work together: the survivor had relayed events before the kill.
    expect(
      survivor.lines.some((line) => line.msg === 'enqueued' && Number(line.at) < killedAt),
    ).toBe(true);
    // The killed relay had enqueued these, in a transaction that never committed.
    expect(enqueuedByDoomed.length).toBeGreaterThanOrEqual(15);
    expect(stillUnmarked.length).toBeGreaterThanOrEqual(15);
    const history = await queueEvents(redis.connection, redis.prefix, recordEvent.queue);
    const added = history.filter((event) => event.event === 'added').map((event) => event.jobId);
    const duplicated = history
      .filter((event) => event.event === 'duplicated')
      .map((event) => event.jobId);
    // 0 lost, 0 duplicated: each event became exactly one job.
    expect(added).toHaveLength(EVENTS);
    expect(new Set(added)).toEqual(new Set(events.map((event) => event.id)));
    // The survivor published the killed relay's events again; BullMQ kept the first job. What the
    // killed relay lived to log is a lower bound: a few more of its adds can reach Redis while it
    // hangs with their replies unread. Every duplicate is a re-publish by the survivor after the
    // kill, never one of the survivor's own first publishes.
    const republished = new Set(
      survivor.lines
        .filter((line) => line.msg === 'enqueued' && Number(line.at) >= killedAt)
        .map((line) => line.id as string),
    );
    expect(duplicated).toEqual(expect.arrayContaining(enqueuedByDoomed));
    for (const id of duplicated) expect(republished, id).toContain(id);
    expect(new Set(duplicated).size).toBe(duplicated.length);
    // In order within each aggregate, across both relays.
    const seqOf = new Map<string, { aggregate: string; seq: number }>(
      events.map((event) => [event.id, event.payload]),
    );
    const byAggregate = new Map<string, number[]>();
    for (const id of added) {
      const { aggregate, seq } = seqOf.get(id ?? '') ?? { aggregate: '?', seq: -1 };
      byAggregate.set(aggregate, [...(byAggregate.get(aggregate) ?? []), seq]);
    }
    const inOrder = Array.from({ length: EVENTS_PER_AGGREGATE }, (_, seq) => seq);
    expect(byAggregate.size).toBe(AGGREGATES);
    for (const seqs of byAggregate.values()) expect(seqs).toEqual(inOrder);
  }, 30_000);
});
