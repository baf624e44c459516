import { isAppError } from '@groundwork/errors';
import { UnrecoverableError } from '@groundwork/queue';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { startWebhookReceiver, type WebhookReceiver } from '../../test/support/webhook-receiver.ts';
import type { OutgoingNotification } from './notification-sender.ts';
import { createWebhookNotificationSender, sign } from './webhook-notification-sender.ts';

const notification: OutgoingNotification = {
  id: '2f0f6f8e-4d7a-4a43-9d0e-6d1c1f3e9a10',
  orgId: '00000000-0000-4000-8000-000000000001',
  eventId: '7b1c6a52-0f4e-4d57-8a57-1d1c9f8f0c11',
  kind: 'order-confirmation',
  recipient: 'customer-1',
  subject: 'Order 7B1C6A52 received',
  body: 'We have received your order.',
  createdAt: new Date('2026-11-27T08:00:00.000Z'),
};
const secret = 'a-webhook-secret-of-32-characters';
const never = new AbortController().signal;

let receiver: WebhookReceiver;
beforeEach(async () => {
  receiver = await startWebhookReceiver();
});
afterEach(async () => {
  await receiver.close();
});

const sender = (timeoutMs = 2_000) =>
  createWebhookNotificationSender({ url: receiver.url, secret, timeoutMs });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => 'no error',
    (error: unknown) => error,
  );
}

describe('the webhook notification channel', () => {
  test('when the receiver answers 2xx, then it got the notification as JSON, keyed by its id and signed', async () => {
    await sender().send(notification, never);

    const [request] = receiver.received;
    expect(request?.body).toEqual({
      id: notification.id,
      kind: 'order-confirmation',
      orgId: notification.orgId,
      recipient: 'customer-1',
      subject: 'Order 7B1C6A52 received',
      body: 'We have received your order.',
      createdAt: '2026-11-27T08:00:00.000Z',
    });
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['idempotency-key']).toBe(notification.id);
    const timestamp = String(request?.headers['webhook-timestamp']);
    expect(request?.headers['webhook-signature']).toBe(
      sign(secret, timestamp, request?.rawBody ?? ''),
    );
    expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
  });

  test('when the receiver answers 503, then the send fails with WORKER_NOTIFICATION_DELIVERY_FAILED, to be retried', async () => {
    receiver.answer = () => 503;

    const error = await failure(sender().send(notification, never));

    expect(isAppError(error) && error.code).toBe('WORKER_NOTIFICATION_DELIVERY_FAILED');
    expect((error as Error).message).toContain('answered 503');
  });

  test('when the receiver answers 400, then the send fails for good, since the same request cannot succeed', async () => {
    receiver.answer = () => 400;

    const error = await failure(sender().send(notification, never));

    expect(error).toBeInstanceOf(UnrecoverableError);
    expect((error as Error).message).toContain('WORKER_NOTIFICATION_REJECTED');
  });

  test('when the receiver answers 429, then the send fails to be retried', async () => {
    receiver.answer = () => 429;

    const error = await failure(sender().send(notification, never));

    expect(isAppError(error) && error.code).toBe('WORKER_NOTIFICATION_DELIVERY_FAILED');
  });

  test('when the receiver does not answer in time, then the send fails to be retried', async () => {
    receiver.answer = () => 'hang';
    const started = Date.now();

    const error = await failure(sender(200).send(notification, never));

    expect(isAppError(error) && error.code).toBe('WORKER_NOTIFICATION_DELIVERY_FAILED');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test("when the job's signal aborts (the worker shuts down), then the request is abandoned at once", async () => {
    receiver.answer = () => 'hang';
    const shutdown = new AbortController();
    const sending = failure(sender(10_000).send(notification, shutdown.signal));
    await new Promise((resolve) => setTimeout(resolve, 50));

    shutdown.abort();

    expect(isAppError(await sending)).toBe(true);
  });

  test('when no secret is configured, then requests carry no signature', async () => {
    await createWebhookNotificationSender({ url: receiver.url, timeoutMs: 2_000 }).send(
      notification,
      never,
    );

    expect(receiver.received[0]?.headers['webhook-signature']).toBeUndefined();
  });
});
