import { createHmac } from 'node:crypto';
import { UnrecoverableError } from '@groundwork/queue';
import { workerErrors } from '../worker-errors.ts';
import type { NotificationSender } from './notification-sender.ts';

export interface WebhookNotificationOptions {
  /** Receives each notification as a JSON POST. */
  readonly url: string;
  /** When set, each request carries `webhook-signature: v1=<hex HMAC-SHA256 of "<timestamp>.<body>">`. */
  readonly secret?: string | undefined;
  /** Per request; a slow receiver fails the attempt, which is retried with backoff. */
  readonly timeoutMs: number;
}

/**
 * Posts notifications to a webhook (an email or SMS provider's, or your own relay). The
 * notification id goes in `idempotency-key`: a retry after a timeout or a worker crash sends it
 * again, and the receiver should drop repeats. 2xx is accepted; 408, 429 and 5xx are retried;
 * any other 4xx is refused for good and the job goes to the dead letters, since sending the
 * same request again cannot succeed.
 */
export function createWebhookNotificationSender(
  options: WebhookNotificationOptions,
): NotificationSender {
  const target = new URL(options.url);
  return {
    channel: 'webhook',
    async send(notification, signal) {
      const body = JSON.stringify({
        id: notification.id,
        kind: notification.kind,
        orgId: notification.orgId,
        recipient: notification.recipient,
        subject: notification.subject,
        body: notification.body,
        createdAt: notification.createdAt.toISOString(),
      });
      const timestamp = Math.floor(Date.now() / 1000).toString();
      let response: Response;
      try {
        response = await fetch(target, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': notification.id,
            'webhook-timestamp': timestamp,
            ...(options.secret
              ? { 'webhook-signature': sign(options.secret, timestamp, body) }
              : {}),
          },
          body,
          signal: AbortSignal.any([signal, AbortSignal.timeout(options.timeoutMs)]),
          redirect: 'error',
        });
        // The body is not needed; reading it frees the connection for the next request.
        await response.arrayBuffer();
      } catch (error) {
        throw workerErrors.WORKER_NOTIFICATION_DELIVERY_FAILED.create(
          `POST ${target.origin}${target.pathname} failed: ${(error as Error).message}`,
          { cause: error },
        );
      }
      if (response.ok) return;
      const detail = `POST ${target.origin}${target.pathname} answered ${response.status}`;
      if (isRetryable(response.status)) {
        throw workerErrors.WORKER_NOTIFICATION_DELIVERY_FAILED.create(detail);
      }
      throw new UnrecoverableError(`${workerErrors.WORKER_NOTIFICATION_REJECTED.code}: ${detail}`);
    },
  };
}

function isRetryable(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/** `v1=` + HMAC-SHA256 over `timestamp.body`: the receiver recomputes it and checks the age. */
export function sign(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
