#!/bin/sh
# As the official image does: a bare `redis-server ...` without a config file listens to the
# container network (protected mode would refuse every client but loopback).
set -eu
if [ "${1:-}" = redis-server ]; then
  shift
  set -- redis-server --protected-mode no "$@"
fi
exec "$@"
