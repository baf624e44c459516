-- Hand-written: what the worker's outbox relay needs from this database, and nothing more
-- (apps/worker/README.md, "What each service must add"; docs/adr/0005-* and 0007-*).

-- Wakes idle outbox relays as soon as a transaction that wrote events commits: the worker's
-- apps/worker/sql/outbox-notify.sql as it ships, on the channel its relays LISTEN on ("outbox").
-- PostgreSQL delivers NOTIFY at commit and never for a rolled-back transaction, and folds
-- identical notifications of one transaction into one, so a statement-level trigger costs one
-- message per transaction however many events it wrote. The relays also poll: a missed
-- notification delays an event, it never loses one.
CREATE FUNCTION "outbox_notify"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('outbox', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER "outbox_notify" AFTER INSERT ON "outbox"
  FOR EACH STATEMENT EXECUTE FUNCTION "outbox_notify"();

-- The relay's role. The relay is cross-tenant by design: it publishes every organization's events.
-- It needs no row-level security policy for that, and gets none: the outbox has no orgId and no
-- RLS, and its tenancy is kept by privileges instead. orders_app, which serves requests, may only
-- append to it (the init migration); orders_relay may only read it and mark rows published, and
-- holds no privilege on the tenant tables, whose policies would show it nothing anyway (it never
-- sets app.org_id). Why not RLS on the outbox as well: see docs/adr/0005-*.
-- NOLOGIN, like orders_app: the worker logs in as a member of it (IN ROLE orders_relay). Roles
-- belong to the whole cluster, so another database may have created it already.
DO $$
BEGIN
  CREATE ROLE "orders_relay" NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
EXCEPTION
  -- unique_violation: another database's migration created it at the same moment.
  WHEN duplicate_object OR unique_violation THEN NULL;
END
$$;

-- Exactly what the relay runs: SELECT to claim (FOR UPDATE needs an UPDATE privilege on some
-- column, which "publishedAt" is), UPDATE of "publishedAt" alone to mark. Advisory locks and
-- LISTEN need no grant.
DO $$
BEGIN
  EXECUTE format('GRANT USAGE ON SCHEMA %I TO "orders_relay"', current_schema());
END
$$;
GRANT SELECT, UPDATE ("publishedAt") ON "outbox" TO "orders_relay";
