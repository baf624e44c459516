-- Hand-written: what orders' scheduled maintenance (src/maintenance.ts, run by the worker) needs
-- from this database, and nothing more (docs/adr/0005-*: tenancy rests on these policies).

-- The maintenance role. Expiry and purging look across tenants, which orders_app never may: this
-- role sees pending orders (to find the overdue ones; the expiry itself runs as orders_app in the
-- order's own tenant) and expired idempotency keys (to delete them), and nothing else.
DO $$
BEGIN
  CREATE ROLE "orders_maintenance" NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION
  -- unique_violation: another database's migration created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO "orders_maintenance"', current_schema());
END
$$;

GRANT SELECT ("id", "orgId", "status", "createdAt") ON "orders" TO "orders_maintenance";
CREATE POLICY "orders_pending_for_maintenance" ON "orders" FOR SELECT TO "orders_maintenance"
  USING ("status" = 'pending');

-- A DELETE with a WHERE reads the rows too: both commands need a policy.
GRANT SELECT ("orgId", "key", "expiresAt"), DELETE ON "idempotency_keys" TO "orders_maintenance";
CREATE POLICY "idempotency_keys_expired_for_maintenance" ON "idempotency_keys" FOR SELECT
  TO "orders_maintenance" USING ("expiresAt" < now());
CREATE POLICY "idempotency_keys_purge_for_maintenance" ON "idempotency_keys" FOR DELETE
  TO "orders_maintenance" USING ("expiresAt" < now());
