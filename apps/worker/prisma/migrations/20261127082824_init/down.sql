-- Reverts migration.sql: dropping a table drops its indexes and constraints; the enum goes last.
DROP TABLE "order_summaries";
DROP TABLE "notifications";
DROP TABLE "inbox";
DROP TYPE "order_summary_status";
