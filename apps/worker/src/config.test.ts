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

  test('when REQUIRE_TLS is on, then every database URL, outbox sources included, must ask for verified TLS', () => {
    const verified = (db: string) =>
      `postgresql://worker:pw@db.internal:5432/${db}?sslmode=verify-full`;
    const secure = {
      REQUIRE_TLS: 'true',
      DATABASE_URL: verified('worker'),
      ORDERS_DATABASE_URL: verified('orders'),
      IDENTITY_DATABASE_URL: verified('identity'),
      REDIS_URL: 'rediss://cache.internal:6380',
      OUTBOX_SOURCES: `orders=${verified('orders')},identity=${verified('identity')}`,
    };

    expect(outboxSources(loadWorkerConfig(secure))).toHaveLength(2);
    expect(
      (refusal({ ...secure, IDENTITY_DATABASE_URL: 'postgresql://db/identity' }) as ConfigError)
        .variable,
    ).toBe('IDENTITY_DATABASE_URL');
    expect(
      (
        refusal({
          ...secure,
          OUTBOX_SOURCES: `orders=${verified('orders')},identity=postgresql://u:hunter2@db/identity`,
        }) as Error
      ).message,
    ).toBe(
      "OUTBOX_SOURCES: entry 2 (identity): REQUIRE_TLS is on: add ?sslmode=verify-full to the URL (got no sslmode), so the server's certificate and name are verified",
    );
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
