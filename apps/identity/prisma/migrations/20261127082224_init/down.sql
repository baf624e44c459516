-- Reverts migration.sql: dependants first; dropping a table drops its indexes and constraints.
DROP TABLE "refresh_tokens";
DROP TABLE "refresh_token_families";
DROP TABLE "service_clients";
DROP TABLE "memberships";
DROP TABLE "organizations";
DROP TABLE "users";
DROP TABLE "signing_keys";
DROP TABLE "audit_events";
DROP TABLE "outbox";
DROP TYPE "audit_outcome";
DROP TYPE "signing_key_state";
DROP TYPE "role";
DROP TYPE "account_status";
DROP EXTENSION IF EXISTS "citext";
