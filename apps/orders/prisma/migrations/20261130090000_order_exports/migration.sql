-- CreateEnum
CREATE TYPE "order_export_status" AS ENUM ('pending', 'running', 'completed', 'failed');

-- CreateTable
CREATE TABLE "order_exports" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL DEFAULT current_org_id(),
    "requestedBy" VARCHAR(255) NOT NULL,
    "status" "order_export_status" NOT NULL DEFAULT 'pending',
    "filters" JSONB NOT NULL,
    "rowCount" INTEGER,
    "result" TEXT,
    "error" VARCHAR(500),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    "startedAt" TIMESTAMPTZ(3),
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "order_exports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "order_exports_orgId_createdAt_id_idx" ON "order_exports"("orgId", "createdAt", "id");

-- Hand-written (docs/adr/0005-*): the exports are a tenant's rows like its orders, so the same
-- forced policy binds them. orders_app inserts them in the request that asks (with the
-- order.export-requested event, in one transaction) and updates them when it runs the export,
-- in the export's own tenant (src/maintenance.ts, called by the worker). Nothing deletes them.
ALTER TABLE "order_exports" ENABLE ROW LEVEL SECURITY;
ALTER TABLE "order_exports" FORCE ROW LEVEL SECURITY;
CREATE POLICY "order_exports_tenant_isolation" ON "order_exports"
  USING ("orgId" = "current_org_id"()) WITH CHECK ("orgId" = "current_org_id"());

GRANT SELECT, INSERT, UPDATE ON "order_exports" TO "orders_app";
