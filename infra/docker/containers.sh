#!/usr/bin/env bash
# The container stage, end to end on a machine without a Docker install or registry access
# (docs/deployment.md): start Debian's Docker engine from its packages, make local stand-ins for
# the base images (debian, node:24-bookworm-slim, postgres:16, redis:7), build every app image and
# the migrate image from infra/docker/Dockerfile, check each image (size budget, non-root,
# HEALTHCHECK, OCI labels), `docker-compose up` the stack, wait for health, run the smoke test
# through the gateway, tear everything down. Runs in `.ci/run`.
#
#   npm run infra:containers               # from the repository root
#   KEEP_STACK=1 npm run infra:containers  # leave the stack and engine running afterwards
#
# Fails on the first error with the failing line; whatever happens, the stack is removed and the
# engine it started is stopped. Exits 77 (after a "SKIPPED: <reason>" line) when no Docker engine
# can be started on this machine: not root, no apt, Debian's packages unreachable, dockerd not
# coming up (or, with USE_EXISTING_ENGINE=1, DOCKER_HOST not answering); `.ci/run` then skips the
# stage loudly instead of failing, unless CONTAINERS=1 asked for it. CONTAINERS_TIMEOUT (seconds, default 840) bounds the whole stage:
# every long step gets only what is left of it. The engine's data (images, build cache, base
# stand-ins) stays in CONTAINERS_WORKDIR (/var/tmp/groundwork-containers) for the next run.
#
# Needs root and apt (docker.io, containerd, runc and tini are downloaded and unpacked, not
# installed; debootstrap, docker-compose and iptables are installed if missing). On a machine
# with a working `docker` already, set DOCKER_HOST and USE_EXISTING_ENGINE=1.
set -euo pipefail
trap 'echo "containers.sh: line $LINENO failed: $BASH_COMMAND" >&2' ERR
trap 'exit 143' TERM INT
cd "$(dirname "$0")/../.."

work=${CONTAINERS_WORKDIR:-/var/tmp/groundwork-containers}
mkdir -p "$work"
log() { printf '\n==> %s (%ss)\n' "$*" "$SECONDS"; }
deadline=$((SECONDS + ${CONTAINERS_TIMEOUT:-840}))
# Seconds left of the stage's budget; fails the stage once it is spent.
left() {
  local n=$((deadline - SECONDS))
  if [ "$n" -le 0 ]; then
    echo "containers.sh: the stage's ${CONTAINERS_TIMEOUT:-840} s are spent" >&2
    return 1
  fi
  echo "$n"
}
timed() { timeout --kill-after=10 "$(left)" "$@"; }

started_engine=0
stop_engine() {
  [ "$started_engine" = 1 ] && [ "${KEEP_STACK:-0}" != 1 ] && [ -s "$work/dockerd.pid" ] || return 0
  local pid
  pid=$(cat "$work/dockerd.pid")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || return 0; sleep 1; done
  kill -9 "$pid" 2>/dev/null || true
}
teardown() {
  local status=$?
  if [ "${compose_ready:-0}" = 1 ] && [ "${KEEP_STACK:-0}" != 1 ]; then
    timeout 120 docker-compose --env-file "$env_file" -f docker-compose.yml down -v --remove-orphans \
      >/dev/null 2>&1 || echo "containers.sh: compose down failed" >&2
  fi
  [ -z "${env_file:-}" ] || rm -f "$env_file"
  # Images of earlier commits and their build cache would fill the disk run after run.
  if [ "${KEEP_STACK:-0}" != 1 ] && docker info >/dev/null 2>&1; then
    timeout 60 docker image prune -f >/dev/null 2>&1 || true
    timeout 60 docker builder prune -f --keep-storage 20GB >/dev/null 2>&1 || true
  fi
  stop_engine
  echo "containers.sh: torn down after ${SECONDS} s"
  if [ "$status" -ne 0 ] && [ "$status" -ne 77 ]; then echo "containers.sh: FAILED (exit $status) after ${SECONDS} s" >&2; fi
}
trap teardown EXIT
# No engine can be started here: not a failure of the images, a machine without the means.
cannot_start() {
  echo "containers.sh: SKIPPED: no Docker engine can be started on this machine: $*" >&2
  exit 77
}

if [ "${USE_EXISTING_ENGINE:-0}" = 1 ]; then
  docker info >/dev/null 2>&1 || cannot_start "USE_EXISTING_ENGINE=1 but no engine answers at ${DOCKER_HOST:-the default socket}"
else
  log "Docker engine from Debian packages ($work)"
  [ "$(id -u)" = 0 ] || cannot_start "dockerd from Debian's packages needs root"
  if ! command -v apt-get >/dev/null || ! command -v dpkg >/dev/null; then cannot_start "no apt-get/dpkg (not Debian)"; fi
  if [ ! -x "$work/root/usr/sbin/dockerd" ]; then
    (cd "$work" && timed apt-get download docker.io containerd runc tini >/dev/null 2>&1) \
      || cannot_start "apt-get download docker.io containerd runc tini failed (Debian's packages unreachable?)"
    (cd "$work" && for deb in ./*.deb; do dpkg -x "$deb" root; done)
  fi
  missing=()
  command -v iptables >/dev/null || missing+=(iptables)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive timed apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null \
      || cannot_start "apt-get install ${missing[*]} failed (Debian's packages unreachable?)"
  fi
  export PATH="$work/root/usr/bin:$work/root/usr/sbin:$PATH"
  export DOCKER_HOST="unix://$work/docker.sock"
  # An engine a killed run left behind is ours too: reuse it, stop it at the end.
  if [ -s "$work/dockerd.pid" ] && kill -0 "$(cat "$work/dockerd.pid")" 2>/dev/null; then
    started_engine=1
  fi
  if ! docker info >/dev/null 2>&1; then
    mkdir -p "$work/data" "$work/exec"
    setsid dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
      -H "$DOCKER_HOST" >"$work/dockerd.log" 2>&1 &
    started_engine=1
    for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log" >&2; cannot_start "dockerd did not answer within 30 s (log above)"; }
  fi
fi

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

log "Base images (local stand-ins, made once)"
if ! has_image debian:bookworm-slim; then
  # apt's own mirror (one-line or deb822 sources), not a commented-out one.
  mirror=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null \
    | grep -E '^(deb |URIs:)' | grep -oE 'https?://[^ ]+/debian/?' | grep -v security | head -1 || true)
  rm -rf "$work/rootfs"
  timed debootstrap --variant=minbase bookworm "$work/rootfs" "${mirror:-http://deb.debian.org/debian}" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  # What the official slim image leaves out too: package lists, caches, docs, man pages, locales.
  rm -rf "$work/rootfs"/var/lib/apt/lists/* "$work/rootfs"/var/cache/apt/* \
    "$work/rootfs"/usr/share/doc/* "$work/rootfs"/usr/share/man/* "$work/rootfs"/usr/share/info/* \
    "$work/rootfs"/usr/share/locale/*
  tar -C "$work/rootfs" -c . | docker import - debian:bookworm-slim
  rm -rf "$work/rootfs"
fi
stand_ins=infra/docker/stand-ins
if ! has_image node:24-bookworm-slim; then
  context=$(mktemp -d)
  cp "$stand_ins/node.Dockerfile" "$context/Dockerfile"
  cp "$(node -p 'process.execPath')" "$context/node"
  (cd "$context" && npm pack npm@11 --silent >/dev/null && mkdir npm && tar -xzf npm-*.tgz -C npm --strip-components=1)
  timed docker build -q -t node:24-bookworm-slim "$context"
  rm -rf "$context"
fi
has_image postgres:16 || timed docker build -q -t postgres:16 -f "$stand_ins/postgres.Dockerfile" "$stand_ins"
has_image redis:7 || timed docker build -q -t redis:7 -f "$stand_ins/redis.Dockerfile" "$stand_ins"

log "App images (infra/docker/Dockerfile)"
export DOCKER_BUILDKIT=1
# The build context is the committed tree (HEAD), not the working tree: what CI would build,
# whatever is half-edited in the checkout.
# CONTAINERS_CONTEXT_TAR overrides it with a prepared tarball (a release archive, a patched tree).
context=${CONTAINERS_CONTEXT_TAR:-$work/context.tar}
[ -n "${CONTAINERS_CONTEXT_TAR:-}" ] || git archive --format=tar -o "$context" HEAD
revision=$(git rev-parse HEAD)
ca=/etc/ssl/certs/ca-certificates.crt
build() { # tag, APP, [target]
  local started=$SECONDS log_file="$work/build-${1//[:\/]/_}.log"
  timed docker build -f infra/docker/Dockerfile --build-arg APP="$2" ${3:+--target "$3"} \
    --build-arg VERSION=0.0.0-local --build-arg REVISION="$revision" \
    --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --secret "id=npm-ca,src=$ca" -t "$1" - <"$context" >"$log_file" 2>&1 \
    || { tail -40 "$log_file" >&2; echo "containers.sh: building $1 failed (log: $log_file)" >&2; exit 1; }
  echo "built $1 in $((SECONDS - started)) s"
}
for app in gateway identity orders worker; do build "groundwork/$app:local" "$app"; done
build groundwork/migrate:local "identity orders worker" migrate

log "Image checks: size budget, non-root user, HEALTHCHECK, OCI labels (infra/check/src/image-policy.ts)"
# The migrate image carries the Prisma CLI (about 240 MB of it): its own budget, see
# docs/deployment.md; it is a one-shot job, so it has no HEALTHCHECK.
node infra/check/src/image-check.ts --max-mb "${IMAGE_MAX_MB:-200}" \
  groundwork/gateway:local groundwork/identity:local groundwork/orders:local groundwork/worker:local \
  -- --max-mb "${MIGRATE_IMAGE_MAX_MB:-500}" --no-healthcheck groundwork/migrate:local \
  | tee "$work/image-checks.txt"

log "Stack up (docker-compose, waits for every healthcheck)"
export COMPOSE_PROJECT_NAME=groundwork-smoke IMAGE_TAG=local
env_file=$(mktemp)
# Host ports off the defaults: a local PostgreSQL, Redis or dev server may hold them.
sed -e 's/^POSTGRES_PORT=.*/POSTGRES_PORT=15432/' -e 's/^REDIS_PORT=.*/REDIS_PORT=16379/' \
  -e 's/^GATEWAY_PORT=.*/GATEWAY_PORT=13000/' -e 's/^IDENTITY_PORT=.*/IDENTITY_PORT=13001/' \
  -e 's/^ORDERS_PORT=.*/ORDERS_PORT=13002/' -e 's/^WORKER_PORT=.*/WORKER_PORT=13003/' \
  .env.example >"$env_file"
compose() { timed docker-compose --env-file "$env_file" -f docker-compose.yml "$@"; }
compose_ready=1
# A run killed before its teardown leaves its stack behind.
compose down -v --remove-orphans >/dev/null 2>&1 || true
compose up -d --no-build
echo "containers started after ${SECONDS} s"
healthy() {
  curl -fsS http://127.0.0.1:13000/health/ready >/dev/null 2>&1 \
    && [ "$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q worker)")" = healthy ]
}
for _ in $(seq 1 90); do healthy && break; sleep 2; done
healthy && echo "stack healthy after ${SECONDS} s"
compose ps
healthy || { compose logs --tail=50; echo "containers.sh: the stack did not become healthy" >&2; exit 1; }

log "Smoke test through the gateway"
GATEWAY_URL=http://127.0.0.1:13000 \
  WORKER_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:15432/groundwork_worker \
  timed node infra/check/src/container-smoke.ts || { compose logs --tail=80; exit 1; }
log "Container stage passed"
