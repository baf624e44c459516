import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { until } from '@groundwork/testing';
import { usePostgres } from '@groundwork/testing/vitest';
import type pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { insertEvents, outboxTemplate } from '../../test/support/outbox-database.ts';
import { testPool } from '../../test/support/test-pool.ts';
import { createOutboxSource, type OutboxRow, type OutboxSource } from './outbox-source.ts';

const db = usePostgres({ template: outboxTemplate });
let pool: pg.Pool;
const sources: OutboxSource[] = [];

beforeAll(() => {
  pool = testPool(db.url);
});
afterAll(async () => {
  await pool?.end();
});
beforeEach(async () => {
  await pool.query('DELETE FROM outbox');
});
afterEach(async () => {
  await Promise.all(sources.splice(0).map((source) => source.close()));
});

function openSource(): OutboxSource {
  const source = createOutboxSource({ name: 'orders', url: db.url });
  sources.push(source);
  return source;
}

/** `count` events per aggregate, interleaved in time: a1#0, a2#0, a1#1, a2#1, … */
function eventsOf(aggregates: readonly string[], count: number) {
  return Array.from({ length: count }, (_, seq) =>
    aggregates.map((aggregate) => ({
      id: randomUUID(),
      aggregate,
      type: 'test.happened',
      payload: { aggregate, seq },
    })),
  ).flat();
}

const sequence = (group: readonly OutboxRow[]) =>
  group.map((row) => `${row.aggregate}#${(row.payload as { seq: number }).seq}`);

async function unpublishedCount(): Promise<number> {
  const { rows } = await pool.query(
    'SELECT count(*)::int AS n FROM outbox WHERE "publishedAt" IS NULL',
  );
  return rows[0].n;
}

describe('claimBatch', () => {
  test('when events of several aggregates wait, then each aggregate comes in write order and what was published is marked', async () => {
    await insertEvents(pool, eventsOf(['order-a', 'order-b'], 3));
    const source = openSource();
    let handed: OutboxRow[][] = [];

    const batch = await source.claimBatch(10, async (aggregates) => {
      handed = aggregates.map((group) => [...group]);
      return aggregates.flat().map((row) => row.id);
    });

    expect(batch).toEqual({ claimed: 6, published: 6 });
    expect(handed.map(sequence)).toEqual([
      ['order-a#0', 'order-a#1', 'order-a#2'],
      ['order-b#0', 'order-b#1', 'order-b#2'],
    ]);
    expect(await unpublishedCount()).toBe(0);
  });

  test('when publish reports only some ids, then only those are marked and the rest are claimed next time', async () => {
    await insertEvents(pool, eventsOf(['order-a'], 3));
    const source = openSource();

    await source.claimBatch(10, async ([group = []]) => group.slice(0, 1).map((row) => row.id));
    let next: string[] = [];
    await source.claimBatch(10, async ([group = []]) => {
      next = sequence(group);
      return [];
    });

    expect(next).toEqual(['order-a#1', 'order-a#2']);
    expect(await unpublishedCount()).toBe(2);
  });

  test('when publish throws, then nothing is marked and the same events are claimed again', async () => {
    await insertEvents(pool, eventsOf(['order-a'], 2));
    const source = openSource();
    const failure = new Error('redis went away');

    const outcome = await source
      .claimBatch(10, async () => {
        throw failure;
      })
      .catch((error: unknown) => error);
    let again: string[] = [];
    await source.claimBatch(10, async ([group = []]) => {
      again = sequence(group);
      return group.map((row) => row.id);
    });

    expect(outcome).toBe(failure);
    expect(again).toEqual(['order-a#0', 'order-a#1']);
  });

  test('when two relays claim at once, then an aggregate the first holds is not given to the second, which takes the others', async () => {
    await insertEvents(pool, eventsOf(['order-a', 'order-b', 'order-c'], 2));
    const first = openSource();
    const second = openSource();
    let release: () => void = () => {};
    let firstTook: string[] = [];
    let secondTook: string[] = [];

    // The first relay holds its claim open (as while enqueueing) until the second has claimed.
    const holding = first.claimBatch(2, async (aggregates) => {
      firstTook = aggregates.flat().map((row) => row.aggregate);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return aggregates.flat().map((row) => row.id);
    });
    await until('the first relay holds its claim', () => firstTook.length > 0);
    await second.claimBatch(10, async (aggregates) => {
      secondTook = aggregates.flat().map((row) => row.aggregate);
      return aggregates.flat().map((row) => row.id);
    });
    release();
    await holding;

    // A batch of 2 shared by two aggregates: one event each, the second ones still wait.
    expect(new Set(firstTook)).toEqual(new Set(['order-a', 'order-b']));
    expect(secondTook).toEqual(['order-c', 'order-c']);
    expect(await unpublishedCount()).toBe(2);
  });

  test('when two relays claim at once and more aggregates wait than a batch holds, then the second locks the next aggregates rather than none', async () => {
    await insertEvents(pool, eventsOf(['order-a', 'order-b', 'order-c', 'order-d', 'order-e'], 1));
    let release: () => void = () => {};
    let firstTook: string[] = [];
    let secondTook: string[] = [];

    const holding = openSource().claimBatch(2, async (aggregates) => {
      firstTook = aggregates.flat().map((row) => row.aggregate);
      await new Promise<void>((resolve) => {
        release = resolve;
      });
      return [];
    });
    await until('the first relay holds its claim', () => firstTook.length > 0);
    await openSource().claimBatch(2, async (aggregates) => {
      secondTook = aggregates.flat().map((row) => row.aggregate);
      return [];
    });
    release();
    await holding;

    expect(firstTook).toEqual(['order-a', 'order-b']);
    expect(secondTook).toEqual(['order-c', 'order-d']);
  });

  test('when another session locks an event, then its aggregate stops before it while the other aggregates are claimed', async () => {
    const events = eventsOf(['order-a', 'order-b'], 3);
    await insertEvents(pool, events);
    const [, , aSecond] = events;
    const outsider = await pool.connect();
    let handed: string[][] = [];
    try {
      await outsider.query('BEGIN');
      await outsider.query('SELECT 1 FROM outbox WHERE id = $1 FOR UPDATE', [aSecond?.id]);

      await openSource().claimBatch(10, async (aggregates) => {
        handed = aggregates.map(sequence);
        return aggregates.flat().map((row) => row.id);
      });
    } finally {
      await outsider.query('ROLLBACK');
      outsider.release();
    }

    // order-a#2 must not overtake order-a#1, which could not be claimed.
    expect(handed).toEqual([['order-a#0'], ['order-b#0', 'order-b#1', 'order-b#2']]);
  });

  test('when one aggregate has more events waiting than the batch holds, then the other aggregates still get their share', async () => {
    await insertEvents(pool, eventsOf(['order-a'], 30), new Date(Date.now() - 60_000));
    await insertEvents(pool, eventsOf(['order-b', 'order-c'], 5));
    let handed: Record<string, number> = {};

    await openSource().claimBatch(12, async (aggregates) => {
      handed = Object.fromEntries(aggregates.map((group) => [group[0]?.aggregate, group.length]));
      return [];
    });

    expect(handed).toEqual({ 'order-a': 4, 'order-b': 4, 'order-c': 4 });
  });

  test('when nothing waits, then publish is not called', async () => {
    let called = false;

    const batch = await openSource().claimBatch(10, async () => {
      called = true;
      return [];
    });

    expect(batch).toEqual({ claimed: 0, published: 0 });
    expect(called).toBe(false);
  });
});

describe('listen', () => {
  test('when a transaction that wrote events commits, then the listener hears of it once; when one rolls back, then it hears nothing', async () => {
    const source = openSource();
    let heard = 0;
    await source.listen(
      () => {
        heard += 1;
      },
      () => {},
    );
    // One call right after connecting: events may have been written while no one listened.
    expect(heard).toBe(1);

    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO outbox (id, aggregate, type, payload) VALUES ($1, 'order-a', 't', '{}'), ($2, 'order-a', 't', '{}')`,
        [randomUUID(), randomUUID()],
      );
      await client.query(
        `INSERT INTO outbox (id, aggregate, type, payload) VALUES ($1, 'order-b', 't', '{}')`,
        [randomUUID()],
      );
      await client.query('ROLLBACK');
      await sleep(100);
      expect(heard).toBe(1);

      await client.query('BEGIN');
      await client.query(
        `INSERT INTO outbox (id, aggregate, type, payload) VALUES ($1, 'order-a', 't', '{}')`,
        [randomUUID()],
      );
      await client.query(
        `INSERT INTO outbox (id, aggregate, type, payload) VALUES ($1, 'order-b', 't', '{}')`,
        [randomUUID()],
      );
      await client.query('COMMIT');
    } finally {
      client.release();
    }
    await until('the commit is heard', () => heard === 2);
    await sleep(100);

    expect(heard).toBe(2);
  });

  test('when the listening connection is killed, then it reconnects and reports the gap with a notification', async () => {
    const source = openSource();
    let heard = 0;
    const errors: Error[] = [];
    await source.listen(
      () => {
        heard += 1;
      },
      (error) => errors.push(error),
    );

    await pool.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
       WHERE datname = current_database() AND application_name = 'worker-relay-listen:orders'`,
    );
    await until('the listener is back', () => heard === 2, { timeoutMs: 5_000 });
    await pool.query(
      `INSERT INTO outbox (id, aggregate, type, payload) VALUES ($1, 'a', 't', '{}')`,
      [randomUUID()],
    );
    await until('the new connection hears commits', () => heard === 3);

    expect(errors.length).toBeGreaterThanOrEqual(1);
  });
});
