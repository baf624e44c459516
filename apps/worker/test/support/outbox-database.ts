import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { createDatabaseClient, type DatabaseClient } from '@groundwork/db';
import type { TemplateSpec } from '@groundwork/testing';
import pg from 'pg';
import { PrismaClient } from '../../src/generated/prisma/client.ts';

const sqlDir = path.join(import.meta.dirname, '..', '..', 'sql');

/**
 * The `outbox` table exactly as `writeOutboxEvent` of @groundwork/db defines it (the
 * OutboxEvent model every service's schema carries, as its migrations create it), plus the
 * worker's NOTIFY trigger (`sql/outbox-notify.sql`) that each service adds.
 */
export const OUTBOX_TABLE = `
  CREATE TABLE "outbox" (
    "id" UUID NOT NULL,
    "aggregate" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "payload" JSONB NOT NULL,
    "traceparent" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "publishedAt" TIMESTAMPTZ(3),
    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
  );
  CREATE INDEX "outbox_publishedAt_createdAt_idx" ON "outbox"("publishedAt", "createdAt");`;

/** A service database holding only its outbox, with the trigger. */
export const outboxTemplate: TemplateSpec = {
  name: 'worker_outbox',
  version: `${OUTBOX_TABLE}\n${await readFile(path.join(sqlDir, 'outbox-notify.sql'), 'utf8')}`,
  migrate: async (url) => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(OUTBOX_TABLE);
      await client.query(await readFile(path.join(sqlDir, 'outbox-notify.sql'), 'utf8'));
    } finally {
      await client.end();
    }
  },
};

/**
 * A Prisma client on a service's database, for `writeOutboxEvent(tx, …)` in real transactions.
 * The worker's generated client serves: the writer uses only `$executeRaw` on its transaction.
 */
export function servicePrisma(url: string): DatabaseClient<PrismaClient> {
  return createDatabaseClient(PrismaClient, { url, applicationName: 'test-service' });
}

/** Inserts events in one statement, oldest first, `createdAt` one millisecond apart from `since`. */
export async function insertEvents(
  pool: pg.Pool,
  events: readonly { id: string; aggregate: string; type: string; payload: unknown }[],
  since = new Date(),
): Promise<void> {
  await pool.query(
    `INSERT INTO outbox (id, aggregate, type, payload, "createdAt")
     SELECT e.id, e.aggregate, e.type, e.payload, $2::timestamptz + (e.n - 1) * interval '1 millisecond'
     FROM ROWS FROM (
       jsonb_to_recordset($1::jsonb) AS (id uuid, aggregate text, type text, payload jsonb)
     ) WITH ORDINALITY AS e(id, aggregate, type, payload, n)`,
    [JSON.stringify(events), since],
  );
}
