# Local stand-in for postgres:16 (Debian's PostgreSQL 15): honours POSTGRES_USER/POSTGRES_PASSWORD,
# keeps data in /var/lib/postgresql/data, ships pg_isready. Enough for compose and the smoke test.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install --yes --no-install-recommends postgresql-15 \
    && rm -rf /var/lib/apt/lists/*
ENV PATH=/usr/lib/postgresql/15/bin:$PATH \
    PGDATA=/var/lib/postgresql/data
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
RUN mkdir -p "$PGDATA" /var/run/postgresql && chown -R postgres:postgres "$PGDATA" /var/run/postgresql
USER postgres
EXPOSE 5432
ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]
