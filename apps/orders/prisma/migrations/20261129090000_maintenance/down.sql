-- Reverts migration.sql: the scheduled maintenance then finds nothing to expire or purge. The
-- orders_maintenance role stays: roles belong to the cluster, and other databases may still use it.
DROP POLICY "idempotency_keys_purge_for_maintenance" ON "idempotency_keys";
DROP POLICY "idempotency_keys_expired_for_maintenance" ON "idempotency_keys";
REVOKE SELECT ("orgId", "key", "expiresAt"), DELETE ON "idempotency_keys" FROM "orders_maintenance";
DROP POLICY "orders_pending_for_maintenance" ON "orders";
REVOKE SELECT ("id", "orgId", "status", "createdAt") ON "orders" FROM "orders_maintenance";
DO $$
BEGIN
  EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM "orders_maintenance"', current_schema());
END
$$;
