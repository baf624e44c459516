import type { StoredNotification } from '../data/notification-repository.ts';

/** What a channel receives: the stored notification, whose id is its idempotency key. */
export type OutgoingNotification = StoredNotification;

/**
 * A way to reach a customer (the log, a webhook; SMTP would be another). `send` resolves once
 * the channel has accepted the notification and rejects otherwise; the job is then retried, so
 * a channel sees the same notification again after a failure or a crash, with the same id.
 * Channels that can deduplicate on that id should.
 */
export interface NotificationSender {
  /** Stored with the notification once it accepted it. */
  readonly channel: string;
  send(notification: OutgoingNotification, signal: AbortSignal): Promise<void>;
}
