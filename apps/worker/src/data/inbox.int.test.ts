import { randomUUID } from 'node:crypto';
import { usePostgres } from '@groundwork/testing/vitest';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { workerTemplate } from '../../test/worker-database.ts';
import { createInbox, type Inbox } from './inbox.ts';
import { createWorkerDatabase, type WorkerDatabase } from './worker-database.ts';

const db = usePostgres({ template: workerTemplate });
let database: WorkerDatabase;
let inbox: Inbox;

beforeAll(() => {
  database = createWorkerDatabase({ url: db.url, poolSize: 5 });
  inbox = createInbox(database.primary);
});
afterAll(async () => {
  await database?.disconnect();
});
beforeEach(async () => {
  await database.primary.notification.deleteMany();
  await database.primary.inboxEntry.deleteMany();
});

const orgId = '00000000-0000-4000-8000-000000000001';

/** The effect under test: one notification row, written through the transaction. */
const writeNotification =
  (eventId: string) => (tx: Parameters<Parameters<Inbox['runOnce']>[1]>[0]) =>
    tx.notification
      .create({
        data: {
          orgId,
          eventId,
          kind: `kind-${randomUUID()}`,
          recipient: 'c',
          subject: 's',
          body: 'b',
        },
      })
      .then(() => undefined);

test("when the same event is delivered twice, then its handler's effect happens once", async () => {
  const eventId = randomUUID();
  const key = { eventId, consumer: 'send-order-confirmation' };

  const first = await inbox.runOnce(key, writeNotification(eventId));
  const second = await inbox.runOnce(key, writeNotification(eventId));

  expect([first, second]).toEqual([true, false]);
  expect(await database.primary.notification.count({ where: { eventId } })).toBe(1);
});

test('when the same event is delivered ten times at once, then its effect happens once', async () => {
  const eventId = randomUUID();
  const key = { eventId, consumer: 'send-order-confirmation' };

  const outcomes = await Promise.all(
    Array.from({ length: 10 }, () => inbox.runOnce(key, writeNotification(eventId))),
  );

  expect(outcomes.filter(Boolean)).toHaveLength(1);
  expect(await database.primary.notification.count({ where: { eventId } })).toBe(1);
});

test('when the effect throws, then its inbox row rolls back with it and the next delivery runs it', async () => {
  const eventId = randomUUID();
  const key = { eventId, consumer: 'send-order-confirmation' };
  const failure = new Error('the database refused the effect');

  const outcome = await inbox
    .runOnce(key, async (tx) => {
      await writeNotification(eventId)(tx);
      throw failure;
    })
    .catch((error: unknown) => error);
  const retried = await inbox.runOnce(key, writeNotification(eventId));

  expect(outcome).toBe(failure);
  expect(retried).toBe(true);
  expect(await database.primary.notification.count({ where: { eventId } })).toBe(1);
});

test('when two consumers handle the same event, then each applies it once', async () => {
  const eventId = randomUUID();

  const confirmation = await inbox.runOnce(
    { eventId, consumer: 'send-order-confirmation' },
    writeNotification(eventId),
  );
  const readModel = await inbox.runOnce(
    { eventId, consumer: 'project-order-placed' },
    writeNotification(eventId),
  );
  const again = await inbox.runOnce(
    { eventId, consumer: 'project-order-placed' },
    writeNotification(eventId),
  );

  expect([confirmation, readModel, again]).toEqual([true, true, false]);
  expect(await database.primary.inboxEntry.count({ where: { eventId } })).toBe(2);
});
