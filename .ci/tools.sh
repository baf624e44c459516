#!/usr/bin/env bash
# Installs the Debian tools some tests drive, when they are missing: redis-server (tests that kill
# or misconfigure a Redis of their own) and promtool (the alert rules' unit tests).
set -euo pipefail

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)

if [ ${#missing[@]} -eq 0 ]; then
  echo "redis-server and promtool are installed"
  exit 0
fi
echo "Installing ${missing[*]} from Debian"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
