import { ConfigError } from '@groundwork/config';
import { describe, expect, test } from 'vitest';
import { loadWorkerConfig, outboxSources } from './config.ts';

function refusal(env: Record<string, string>): unknown {
  try {
    loadWorkerConfig(env);
    return 'no error';
  } catch (error) {
    return error;
  }
}

describe('the worker config', () => {
  test('when nothing is set, then it serves on 3003, relays orders and identity on the local servers, and logs notifications', () => {
    const config = loadWorkerConfig({});

    expect(config).toMatchObject({
      PORT: 3003,
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/groundwork_worker',
      REDIS_URL: 'redis://127.0.0.1:6379',
      QUEUE_PREFIX: 'bull',
      NOTIFICATION_CHANNEL: 'log',
      JOB_LOCK_DURATION_MS: 30_000,
      JOB_STALLED_INTERVAL_MS: 30_000,
      JOB_MAX_STALLED_COUNT: 1,
    });
    expect(outboxSources(config)).toEqual([
      { name: 'orders', url: 'postgresql://postgres@127.0.0.1:5432/groundwork_orders' },
      { name: 'identity', url: 'postgresql://postgres@127.0.0.1:5432/groundwork_identity' },
    ]);
  });

  test('when OUTBOX_SOURCES lists name=url pairs, then each becomes a source', () => {
    const config = loadWorkerConfig({
      OUTBOX_SOURCES:
        'orders=postgresql://u:p@db-1/orders?schema=app , billing=postgres://db-2/billing',
    });

    expect(outboxSources(config)).toEqual([
      { name: 'orders', url: 'postgresql://u:p@db-1/orders?schema=app' },
      { name: 'billing', url: 'postgres://db-2/billing' },
    ]);
  });

  test('when an OUTBOX_SOURCES entry is malformed, then the error names its position and never echoes a password', () => {
    const error = refusal({
      OUTBOX_SOURCES: 'orders=postgresql://u:p@db/orders,mysql://root:hunter2@db/x',
    });

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe('OUTBOX_SOURCES');
    expect((error as Error).message).toContain('entry 2 of 2');
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('when a source name repeats, then the config is refused', () => {
    const error = refusal({ OUTBOX_SOURCES: 'orders=postgresql://a/x,orders=postgresql://b/y' });

    expect((error as Error).message).toBe('OUTBOX_SOURCES: names the source "orders" twice');
  });

  test('when the webhook channel is chosen without a URL, then the config is refused naming NOTIFICATION_WEBHOOK_URL', () => {
    const error = refusal({ NOTIFICATION_CHANNEL: 'webhook' });

    expect((error as ConfigError).variable).toBe('NOTIFICATION_WEBHOOK_URL');
  });

  test('when the channel is neither log nor webhook, then the error lists the choices', () => {
    const error = refusal({ NOTIFICATION_CHANNEL: 'smtp' });

    expect((error as Error).message).toContain('NOTIFICATION_CHANNEL: must be one of log, webhook');
  });
});
