import type { PrismaClient } from '../generated/prisma/client.ts';
import type { WorkerTransaction } from './worker-database.ts';

/** Identifies one consumer's handling of one event. */
export interface InboxKey {
  /** The job id, which is the outbox event id for events. */
  readonly eventId: string;
  /** The job that handles it. One event may feed several consumers; each applies it once. */
  readonly consumer: string;
}

/**
 * Makes an effect happen once per event and consumer, however often the event is delivered
 * (BullMQ delivers at least once: a stalled job, a retry after a crash, a replayed dead letter).
 */
export interface Inbox {
  /**
   * Runs `effect` in one transaction with the inbox row for `key`. Resolves true when it ran,
   * false when the row existed already (the effect was committed by an earlier delivery) and
   * nothing ran. If the effect throws, the transaction rolls back with its row, so a retry runs it.
   */
  runOnce(key: InboxKey, effect: (tx: WorkerTransaction) => Promise<void>): Promise<boolean>;
}

export function createInbox(prisma: PrismaClient): Inbox {
  return {
    runOnce(key, effect) {
      return prisma.$transaction(async (tx) => {
        // A concurrent delivery of the same event blocks on this insert until the first one
        // commits (then finds the row and skips) or rolls back (then goes ahead).
        const { count } = await tx.inboxEntry.createMany({
          data: [{ eventId: key.eventId, consumer: key.consumer }],
          skipDuplicates: true,
        });
        if (count === 0) return false;
        await effect(tx);
        return true;
      });
    },
  };
}
