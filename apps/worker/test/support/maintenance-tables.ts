import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import type { UnconfirmedOrders } from '../../src/use-cases/expire-unconfirmed-orders.ts';
import type { IdempotencyKeys } from '../../src/use-cases/purge-idempotency-keys.ts';
import type { SigningKeys } from '../../src/use-cases/rotate-signing-keys.ts';

/**
 * Stand-ins for the tables orders and identity own, with real implementations of the worker's
 * ports on them: the scheduled-job tests run the jobs against rows, not against mocks, until
 * the services' own adapters exist.
 */
export const MAINTENANCE_TABLES = `
  CREATE TABLE test_orders (
    id uuid PRIMARY KEY,
    status text NOT NULL CHECK (status IN ('pending', 'confirmed', 'expired')),
    placed_at timestamptz NOT NULL
  );
  CREATE TABLE test_signing_keys (
    kid text PRIMARY KEY,
    state text NOT NULL CHECK (state IN ('active', 'retired')),
    created_at timestamptz NOT NULL
  );
  CREATE UNIQUE INDEX one_active_key ON test_signing_keys (state) WHERE state = 'active';
  CREATE TABLE test_idempotency_keys (
    key text PRIMARY KEY,
    expires_at timestamptz NOT NULL
  );`;

/** Each port, and how many times the job called it. */
export interface CountingPort<T> {
  readonly port: T;
  calls: number;
}

export function sqlUnconfirmedOrders(pool: pg.Pool): CountingPort<UnconfirmedOrders> {
  const counted: CountingPort<UnconfirmedOrders> = {
    calls: 0,
    port: {
      async expire(placedBefore, limit) {
        counted.calls += 1;
        const { rowCount } = await pool.query(
          `UPDATE test_orders SET status = 'expired' WHERE id IN (
             SELECT id FROM test_orders WHERE status = 'pending' AND placed_at < $1
             ORDER BY placed_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
          [placedBefore, limit],
        );
        return rowCount ?? 0;
      },
    },
  };
  return counted;
}

/** The stand-in's rotation period: a key signs this long before it is due. */
const KEY_PERIOD_MS = 60 * 60_000;

export function sqlSigningKeys(pool: pg.Pool): CountingPort<SigningKeys> {
  const counted: CountingPort<SigningKeys> = {
    calls: 0,
    port: {
      async rotateIfDue() {
        counted.calls += 1;
        const now = new Date();
        const client = await pool.connect();
        try {
          await client.query('BEGIN');
          const { rows } = await client.query<{ kid: string; created_at: Date }>(
            `SELECT kid, created_at FROM test_signing_keys WHERE state = 'active' FOR UPDATE`,
          );
          const active = rows[0];
          if (active !== undefined && now.getTime() - active.created_at.getTime() < KEY_PERIOD_MS) {
            await client.query('COMMIT');
            return { rotated: false, activeKeyId: active.kid };
          }
          await client.query(
            `UPDATE test_signing_keys SET state = 'retired' WHERE state = 'active'`,
          );
          const kid = randomUUID();
          await client.query(
            `INSERT INTO test_signing_keys (kid, state, created_at) VALUES ($1, 'active', $2)`,
            [kid, now],
          );
          await client.query('COMMIT');
          return { rotated: true, activeKeyId: kid };
        } catch (error) {
          await client.query('ROLLBACK');
          throw error;
        } finally {
          client.release();
        }
      },
    },
  };
  return counted;
}

export function sqlIdempotencyKeys(pool: pg.Pool): CountingPort<IdempotencyKeys> {
  const counted: CountingPort<IdempotencyKeys> = {
    calls: 0,
    port: {
      async purgeExpired(now, limit) {
        counted.calls += 1;
        const { rowCount } = await pool.query(
          `DELETE FROM test_idempotency_keys WHERE key IN (
             SELECT key FROM test_idempotency_keys WHERE expires_at < $1 LIMIT $2)`,
          [now, limit],
        );
        return rowCount ?? 0;
      },
    },
  };
  return counted;
}
