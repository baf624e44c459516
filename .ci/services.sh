#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis that the tests use, unless they already answer.
set -euo pipefail

wait_for() { # name, command...
  local name=$1
  shift
  for _ in $(seq 1 30); do
    if "$@" >/dev/null 2>&1; then
      echo "$name is up"
      return 0
    fi
    sleep 1
  done
  echo "ERROR: $name did not come up within 30 s" >&2
  exit 1
}

if pg_isready -h 127.0.0.1 -p 5432 -q; then
  echo "PostgreSQL already answers on 127.0.0.1:5432"
else
  echo "Starting PostgreSQL"
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
  wait_for PostgreSQL pg_isready -h 127.0.0.1 -p 5432 -q
fi

if [ "$(redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null)" = "PONG" ]; then
  echo "Redis already answers on 127.0.0.1:6379"
else
  echo "Starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/groundwork-ci-redis.log
  wait_for Redis redis-cli -h 127.0.0.1 -p 6379 ping
fi
