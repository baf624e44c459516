import type { NotificationDraft } from '../domain/order-confirmation.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { WorkerTransaction } from './worker-database.ts';

/** A notification as stored: its draft, its id (the channels' idempotency key) and its time. */
export interface StoredNotification extends NotificationDraft {
  readonly id: string;
  readonly createdAt: Date;
}

export interface NotificationRepository {
  /** Writes a notification, unsent, inside the caller's transaction. */
  add(tx: WorkerTransaction, draft: NotificationDraft): Promise<StoredNotification>;
  /** The notification of this kind that `eventId` asked for, if no channel has accepted it yet. */
  findUnsent(eventId: string, kind: string): Promise<StoredNotification | undefined>;
  /** Records that `channel` accepted it. */
  markSent(id: string, channel: string): Promise<void>;
}

const STORED = {
  id: true,
  orgId: true,
  eventId: true,
  kind: true,
  recipient: true,
  subject: true,
  body: true,
  createdAt: true,
} as const;

export function createNotificationRepository(prisma: PrismaClient): NotificationRepository {
  return {
    add(tx, draft) {
      return tx.notification.create({ data: { ...draft }, select: STORED });
    },
    async findUnsent(eventId, kind) {
      const row = await prisma.notification.findFirst({
        where: { eventId, kind, sentAt: null },
        select: STORED,
      });
      return row ?? undefined;
    },
    async markSent(id, channel) {
      await prisma.notification.update({ where: { id }, data: { channel, sentAt: new Date() } });
    },
  };
}
