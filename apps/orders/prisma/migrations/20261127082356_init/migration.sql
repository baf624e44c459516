-- Hand-written (first, because the tables use it): the tenant of the current transaction, as the
-- tenancy guard of @groundwork/db sets it: set_config('app.org_id', <org>, true). Tenant-owned
-- rows default to it and the row-level security policies at the end compare against it. NULL
-- when unset, so a connection that forgot it sees no rows at all (a transaction-local setting
-- reverts to '', not to NULL, hence NULLIF).
CREATE FUNCTION "current_org_id"() RETURNS uuid
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$ SELECT NULLIF(current_setting('app.org_id', true), '')::uuid $$;

-- CreateEnum
CREATE TYPE "order_status" AS ENUM ('pending', 'confirmed', 'shipped', 'cancelled');

-- CreateTable
CREATE TABLE "products" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL DEFAULT current_org_id(),
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" VARCHAR(2000) NOT NULL DEFAULT '',
    "priceMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "stock" INTEGER NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "orders" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL DEFAULT current_org_id(),
    "customerId" VARCHAR(255) NOT NULL,
    "status" "order_status" NOT NULL DEFAULT 'pending',
    "totalMinor" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_lines" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL DEFAULT current_org_id(),
    "orderId" UUID NOT NULL,
    "productId" UUID NOT NULL,
    "sku" VARCHAR(64) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "unitPriceMinor" INTEGER NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "orgId" UUID NOT NULL DEFAULT current_org_id(),
    "key" VARCHAR(255) NOT NULL,
    "fingerprint" CHAR(64) NOT NULL,
    "statusCode" INTEGER,
    "responseBody" JSONB,
    "location" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("orgId","key")
);

-- CreateTable
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

-- CreateIndex
CREATE INDEX "products_orgId_createdAt_id_idx" ON "products"("orgId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "products_orgId_name_id_idx" ON "products"("orgId", "name", "id");

-- CreateIndex
CREATE INDEX "products_orgId_priceMinor_id_idx" ON "products"("orgId", "priceMinor", "id");

-- CreateIndex
CREATE UNIQUE INDEX "products_orgId_sku_key" ON "products"("orgId", "sku");

-- CreateIndex
CREATE UNIQUE INDEX "products_id_orgId_key" ON "products"("id", "orgId");

-- CreateIndex
CREATE INDEX "orders_orgId_createdAt_id_idx" ON "orders"("orgId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_orgId_status_createdAt_id_idx" ON "orders"("orgId", "status", "createdAt", "id");

-- CreateIndex
CREATE INDEX "orders_orgId_totalMinor_id_idx" ON "orders"("orgId", "totalMinor", "id");

-- CreateIndex
CREATE UNIQUE INDEX "orders_id_orgId_key" ON "orders"("id", "orgId");

-- CreateIndex
CREATE INDEX "order_lines_productId_orgId_idx" ON "order_lines"("productId", "orgId");

-- CreateIndex
CREATE UNIQUE INDEX "order_lines_orderId_orgId_productId_key" ON "order_lines"("orderId", "orgId", "productId");

-- CreateIndex
CREATE INDEX "idempotency_keys_expiresAt_idx" ON "idempotency_keys"("expiresAt");

-- CreateIndex
CREATE INDEX "outbox_publishedAt_createdAt_idx" ON "outbox"("publishedAt", "createdAt");

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_orderId_orgId_fkey" FOREIGN KEY ("orderId", "orgId") REFERENCES "orders"("id", "orgId") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "order_lines" ADD CONSTRAINT "order_lines_productId_orgId_fkey" FOREIGN KEY ("productId", "orgId") REFERENCES "products"("id", "orgId") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Hand-written from here on: what Prisma's schema language cannot say.

-- Invariants the database keeps whatever the application does: stock never goes negative (the
-- last line of defence behind the conditional UPDATE that reserves it), money is never negative.
ALTER TABLE "products"
  ADD CONSTRAINT "products_stock_check" CHECK ("stock" >= 0),
  ADD CONSTRAINT "products_priceMinor_check" CHECK ("priceMinor" >= 0),
  ADD CONSTRAINT "products_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "orders"
  ADD CONSTRAINT "orders_totalMinor_check" CHECK ("totalMinor" >= 0),
  ADD CONSTRAINT "orders_currency_check" CHECK ("currency" ~ '^[A-Z]{3}$');
ALTER TABLE "order_lines"
  ADD CONSTRAINT "order_lines_quantity_check" CHECK ("quantity" > 0),
  ADD CONSTRAINT "order_lines_unitPriceMinor_check" CHECK ("unitPriceMinor" >= 0);

-- Row-level security: the second line of tenancy, behind the guard's WHERE clauses. FORCE makes
-- the policies bind the tables' owner too; only superusers and BYPASSRLS roles escape them,
-- which is why the service runs as orders_app below.
ALTER TABLE "products" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "products" FORCE ROW LEVEL SECURITY;
CREATE POLICY "products_tenant_isolation" ON "products"
  USING ("orgId" = "current_org_id"()) WITH CHECK ("orgId" = "current_org_id"());

ALTER TABLE "orders" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "orders" FORCE ROW LEVEL SECURITY;
CREATE POLICY "orders_tenant_isolation" ON "orders"
  USING ("orgId" = "current_org_id"()) WITH CHECK ("orgId" = "current_org_id"());

ALTER TABLE "order_lines" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "order_lines" FORCE ROW LEVEL SECURITY;
CREATE POLICY "order_lines_tenant_isolation" ON "order_lines"
  USING ("orgId" = "current_org_id"()) WITH CHECK ("orgId" = "current_org_id"());

ALTER TABLE "idempotency_keys" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "idempotency_keys" FORCE ROW LEVEL SECURITY;
CREATE POLICY "idempotency_keys_tenant_isolation" ON "idempotency_keys"
  USING ("orgId" = "current_org_id"()) WITH CHECK ("orgId" = "current_org_id"());

-- The role the service runs as: no SUPERUSER and no BYPASSRLS, so the policies above bind it.
-- NOLOGIN, because it is a set of privileges, not an account: the service logs in as a member of
-- it and switches to it on connect (DATABASE_ROLE; see docs/adr/0005-*). Roles belong to the whole
-- cluster, so another database (a test database, another environment) may have created it.
DO $$
BEGIN
  CREATE ROLE "orders_app" NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION
  -- unique_violation: another database's migration created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- Least privilege: rows of the tenant tables, and appending events. The worker's relay reads and
-- marks the outbox with a role of its own.
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO "orders_app"', current_schema());
END
$$;
GRANT SELECT, INSERT, UPDATE, DELETE ON "products", "orders", "order_lines", "idempotency_keys" TO "orders_app";
GRANT INSERT ON "outbox" TO "orders_app";
