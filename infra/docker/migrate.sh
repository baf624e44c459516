#!/bin/sh
# Applies every pending migration of each app in MIGRATE_APPS ("identity orders worker"), one after
# the other, as the database owner. Each app reads its own URL from <APP>_DATABASE_URL
# (IDENTITY_DATABASE_URL, ...), falling back to DATABASE_URL when only one app is migrated.
# Exits non-zero on the first failure, so a Job or compose dependency never sees a half-migrated
# stack as success. `prisma migrate deploy` creates a missing database and is idempotent.
set -eu

apps="${MIGRATE_APPS:-${1:-}}"
if [ -z "${apps}" ]; then
  echo "groundwork-migrate: set MIGRATE_APPS (e.g. \"identity orders worker\")" >&2
  exit 64
fi

for app in ${apps}; do
  var="$(printf '%s' "${app}" | tr '[:lower:]-' '[:upper:]_')_DATABASE_URL"
  url="$(printenv "${var}" || true)"
  url="${url:-${DATABASE_URL:-}}"
  if [ -z "${url}" ]; then
    echo "groundwork-migrate: ${var} is not set" >&2
    exit 64
  fi
  echo "groundwork-migrate: ${app}"
  (cd "/app/apps/${app}" && DATABASE_URL="${url}" /app/node_modules/.bin/prisma migrate deploy)
done
