import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { type Principal, runWithTenant } from '@groundwork/auth';
import { writeOutboxEvent } from '@groundwork/db';
import { createLogger } from '@groundwork/logger';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import pg from 'pg';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { ordersTemplate } from '../../test/orders-database.ts';
import { testPool } from '../../test/test-pool.ts';
import { createTenantDatabase, type TenantDatabase } from './tenant-database.ts';

/** The channel the worker's relays LISTEN on (OUTBOX_CHANNEL, apps/worker/src/data/outbox-source.ts). */
const WORKER_CHANNEL = 'outbox';

/** The first key of the worker's per-aggregate advisory lock (AGGREGATE_LOCK there). */
const AGGREGATE_LOCK = 0x6f62;

describeWithServices('the outbox relay role (orders_relay)', ['postgres'], () => {
  const db = usePostgres({ template: ordersTemplate });
  const orgA = randomUUID();
  const orgB = randomUUID();
  const asMemberOf = (org: string): Principal => ({
    sub: 'user-1',
    org,
    roles: ['member'],
    scope: [],
    jti: randomUUID(),
    exp: Math.floor(Date.now() / 1000) + 60,
  });
  let tenants: TenantDatabase;
  let admin: pg.Pool;
  /** Logged in as the superuser, then SET ROLE orders_relay: bound as the worker's login would be. */
  let relay: pg.Client;

  /** An event written as the service writes it: as orders_app, in the tenant's transaction. */
  const writeEvent = (org: string, type: string) =>
    runWithTenant(asMemberOf(org), () =>
      tenants.prisma.$transaction((tx) =>
        writeOutboxEvent(tx, { aggregate: 'order', type, payload: { orgId: org } }),
      ),
    );

  beforeAll(async () => {
    tenants = createTenantDatabase({
      url: db.url,
      role: 'orders_app',
      poolSize: 2,
      logger: createLogger({ service: 'orders-test', level: 'silent' }),
    });
    await tenants.verify();
    admin = testPool(db.url);
    relay = new pg.Client({ connectionString: db.url });
    await relay.connect();
    await relay.query('SET ROLE orders_relay');
  });
  afterAll(async () => {
    await relay?.end();
    await admin?.end();
    await tenants?.database.disconnect();
  });

  test('when the relay role claims and marks events as the worker does, then it publishes those of both tenants', async () => {
    const ids = [await writeEvent(orgA, 'order.placed'), await writeEvent(orgB, 'order.placed')];

    // The worker's statements in brief (apps/worker/src/data/outbox-source.ts): lock the
    // aggregate, claim its oldest unpublished rows FOR UPDATE SKIP LOCKED, mark them, commit.
    await relay.query('BEGIN');
    const locked = await relay.query(
      `SELECT aggregate FROM outbox WHERE "publishedAt" IS NULL GROUP BY aggregate
       HAVING pg_try_advisory_xact_lock($1, hashtext(aggregate))`,
      [AGGREGATE_LOCK],
    );
    const claimed = await relay.query<{ id: string; payload: { orgId: string } }>(
      `SELECT id, payload FROM outbox
        WHERE aggregate = ANY($1::text[]) AND "publishedAt" IS NULL AND id = ANY($2::uuid[])
        ORDER BY "createdAt", id FOR UPDATE SKIP LOCKED`,
      [locked.rows.map((row) => row.aggregate), ids],
    );
    const marked = await relay.query(
      `UPDATE outbox SET "publishedAt" = clock_timestamp() WHERE id = ANY($1::uuid[])`,
      [claimed.rows.map((row) => row.id)],
    );
    await relay.query('COMMIT');

    expect(claimed.rows.map((row) => row.payload.orgId).sort()).toEqual([orgA, orgB].sort());
    expect(marked.rowCount).toBe(2);
    const { rows } = await admin.query(
      `SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1::uuid[]) AND "publishedAt" IS NOT NULL`,
      [ids],
    );
    expect(rows).toEqual([{ n: 2 }]);
  });

  test('when the relay role touches a tenant table, then PostgreSQL refuses: it holds no privilege there', async () => {
    for (const table of [
      'products',
      'orders',
      'order_lines',
      'idempotency_keys',
      'order_exports',
    ]) {
      await expect(relay.query(`SELECT 1 FROM "${table}" LIMIT 1`), table).rejects.toThrow(
        `permission denied for table ${table}`,
      );
    }
  });

  test('when the relay role does more to the outbox than mark an event published, then PostgreSQL refuses', async () => {
    const id = await writeEvent(orgA, 'order.cancelled');
    const attempts = [
      `UPDATE outbox SET payload = '{}' WHERE id = '${id}'`,
      `INSERT INTO outbox (id, aggregate, type, payload) VALUES (gen_random_uuid(), 'order', 'forged', '{}')`,
      `DELETE FROM outbox WHERE id = '${id}'`,
    ];
    for (const statement of attempts) {
      await expect(relay.query(statement), statement).rejects.toThrow(
        'permission denied for table outbox',
      );
    }
  });

  test('when the relay role is looked up, then it cannot log in or bypass row-level security, and holds only SELECT and UPDATE ("publishedAt") on the outbox', async () => {
    const { rows: roles } = await admin.query(
      `SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb,
              (SELECT count(*)::int FROM pg_auth_members m WHERE m.member = r.oid) AS memberships
         FROM pg_roles r WHERE rolname = 'orders_relay'`,
    );
    expect(roles).toEqual([
      {
        rolcanlogin: false,
        rolsuper: false,
        rolbypassrls: false,
        rolcreaterole: false,
        rolcreatedb: false,
        memberships: 0,
      },
    ]);
    // Every privilege granted to it in this database: on tables, on columns, on the schema.
    const { rows: grants } = await admin.query(
      `SELECT c.relname || ' ' || g.privilege_type AS grant
         FROM pg_class c, aclexplode(c.relacl) g
        WHERE g.grantee = 'orders_relay'::regrole
       UNION ALL
       SELECT c.relname || '.' || a.attname || ' ' || g.privilege_type
         FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid, aclexplode(a.attacl) g
        WHERE g.grantee = 'orders_relay'::regrole
       UNION ALL
       SELECT 'schema ' || n.nspname || ' ' || g.privilege_type
         FROM pg_namespace n, aclexplode(n.nspacl) g
        WHERE g.grantee = 'orders_relay'::regrole
       ORDER BY 1`,
    );
    expect(grants.map((row) => row.grant)).toEqual([
      'outbox SELECT',
      'outbox.publishedAt UPDATE',
      'schema public USAGE',
    ]);
  });

  test("when the service writes an outbox event, then the relay LISTENing on the worker's channel is notified at its commit", async () => {
    const listener = new pg.Client({ connectionString: db.url });
    await listener.connect();
    try {
      await listener.query('SET ROLE orders_relay');
      await listener.query(`LISTEN ${WORKER_CHANNEL}`);
      const notified = once(listener, 'notification', { signal: AbortSignal.timeout(5_000) });

      await writeEvent(orgB, 'order.placed');

      const [notification] = (await notified.catch((error: Error) => {
        throw new Error(`no NOTIFY ${WORKER_CHANNEL} within 5 s of the commit`, { cause: error });
      })) as [pg.Notification];
      expect(notification.channel).toBe(WORKER_CHANNEL);
    } finally {
      await listener.end();
    }
  });
});
