-- Wakes idle outbox relays as soon as a transaction that wrote events commits. PostgreSQL
-- delivers NOTIFY at commit and never for a rolled-back transaction, and folds identical
-- notifications of one transaction into one, so a statement-level trigger costs one message per
-- transaction however many events it wrote. The relays also poll (OUTBOX_POLL_INTERVAL_MS): a
-- missed notification delays an event, it never loses one.
--
-- Every service that writes an outbox adds this as a migration after the one creating "outbox"
-- (migration.sql), with outbox-notify.down.sql as its down.sql.
CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"();
