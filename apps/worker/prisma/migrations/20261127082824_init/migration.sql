-- CreateEnum
CREATE TYPE "order_summary_status" AS ENUM ('placed', 'cancelled');

-- CreateTable
CREATE TABLE "inbox" (
    "eventId" VARCHAR(255) NOT NULL,
    "consumer" VARCHAR(100) NOT NULL,
    "processedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inbox_pkey" PRIMARY KEY ("eventId","consumer")
);

-- CreateTable
CREATE TABLE "notifications" (
    "id" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "eventId" VARCHAR(255) NOT NULL,
    "kind" VARCHAR(100) NOT NULL,
    "recipient" VARCHAR(255) NOT NULL,
    "subject" VARCHAR(200) NOT NULL,
    "body" VARCHAR(4000) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "channel" VARCHAR(20),
    "sentAt" TIMESTAMPTZ(3),

    CONSTRAINT "notifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "order_summaries" (
    "orderId" UUID NOT NULL,
    "orgId" UUID NOT NULL,
    "status" "order_summary_status" NOT NULL,
    "customerId" VARCHAR(255),
    "totalMinor" INTEGER,
    "currency" CHAR(3),
    "placedAt" TIMESTAMPTZ(3),
    "cancelledAt" TIMESTAMPTZ(3),
    "cancelReason" VARCHAR(500),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "order_summaries_pkey" PRIMARY KEY ("orderId")
);

-- CreateIndex
CREATE INDEX "inbox_processedAt_idx" ON "inbox"("processedAt");

-- CreateIndex
CREATE INDEX "notifications_orgId_createdAt_idx" ON "notifications"("orgId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "notifications_eventId_kind_key" ON "notifications"("eventId", "kind");

-- CreateIndex
CREATE INDEX "order_summaries_orgId_status_idx" ON "order_summaries"("orgId", "status");
