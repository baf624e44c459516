-- Reverts outbox-notify.sql: relays then find new events by polling alone.
DROP TRIGGER "outbox_notify" ON "outbox";
DROP FUNCTION "outbox_notify"();
