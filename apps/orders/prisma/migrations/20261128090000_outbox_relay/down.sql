-- Reverts migration.sql: relays then find new events by polling alone, and as orders_relay they
-- are refused. The orders_relay role stays: roles belong to the cluster, and other databases may
-- still use it.
REVOKE SELECT, UPDATE ("publishedAt") ON "outbox" FROM "orders_relay";
DO $$
BEGIN
  EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM "orders_relay"', current_schema());
END
$$;

DROP TRIGGER "outbox_notify" ON "outbox";
DROP FUNCTION "outbox_notify"();
