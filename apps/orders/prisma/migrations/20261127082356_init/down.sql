-- Reverts migration.sql, dependants first. Dropping a table drops its policies and grants with it.
-- The orders_app role stays: roles belong to the cluster, and other databases may still use it.
DROP TABLE "order_lines";
DROP TABLE "idempotency_keys";
DROP TABLE "outbox";
DROP TABLE "orders";
DROP TABLE "products";
DROP FUNCTION "current_org_id"();
DROP TYPE "order_status";
DO $$
BEGIN
  EXECUTE format('REVOKE USAGE ON SCHEMA %I FROM "orders_app"', current_schema());
END
$$;
