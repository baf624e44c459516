-- Reverts migration.sql. Dropping the table drops its policy and grants with it.
DROP TABLE "order_exports";
DROP TYPE "order_export_status";
