#!/usr/bin/env bash
# The container stage, end to end on a machine without a Docker install or registry access
# (docs/deployment.md): start Debian's Docker engine from its packages, make local stand-ins for
# the base images (debian, node:24-bookworm-slim, postgres:16, redis:7), build every app image and
# the migrate image from infra/docker/Dockerfile, `docker-compose up` the stack, wait for health,
# run the smoke test through the gateway, report image sizes, tear everything down.
#
#   npm run infra:containers             # from the repository root
#   KEEP_STACK=1 npm run infra:containers  # leave the stack and engine running afterwards
#
# Needs root and apt (docker.io, containerd, runc and tini are downloaded and unpacked, not
# installed; debootstrap, docker-compose and iptables are installed if missing). On a machine
# with a working `docker` already, set DOCKER_HOST and USE_EXISTING_ENGINE=1.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD

work=${CONTAINERS_WORKDIR:-/var/tmp/groundwork-containers}
mkdir -p "$work"
log() { printf '\n==> %s\n' "$*"; }

if [ "${USE_EXISTING_ENGINE:-0}" != 1 ]; then
  log "Docker engine from Debian packages ($work)"
  if [ ! -x "$work/root/usr/sbin/dockerd" ]; then
    (cd "$work" && apt-get download docker.io containerd runc tini >/dev/null && for deb in ./*.deb; do dpkg -x "$deb" root; done)
  fi
  missing=()
  command -v iptables >/dev/null || missing+=(iptables)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  if [ ${#missing[@]} -gt 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
  fi
  export PATH="$work/root/usr/bin:$work/root/usr/sbin:$PATH"
  export DOCKER_HOST="unix://$work/docker.sock"
  if ! docker info >/dev/null 2>&1; then
    mkdir -p "$work/data" "$work/exec"
    setsid dockerd --data-root "$work/data" --exec-root "$work/exec" --pidfile "$work/dockerd.pid" \
      -H "$DOCKER_HOST" >"$work/dockerd.log" 2>&1 &
    for _ in $(seq 1 30); do docker info >/dev/null 2>&1 && break; sleep 1; done
    docker info >/dev/null 2>&1 || { tail -20 "$work/dockerd.log" >&2; exit 1; }
    started_engine=1
  fi
fi

stop_engine() {
  if [ "${started_engine:-0}" = 1 ] && [ "${KEEP_STACK:-0}" != 1 ] && [ -s "$work/dockerd.pid" ]; then
    kill "$(cat "$work/dockerd.pid")" 2>/dev/null || true
  fi
}
trap stop_engine EXIT

has_image() { docker image inspect "$1" >/dev/null 2>&1; }

log "Base images (local stand-ins, made once)"
if ! has_image debian:bookworm-slim; then
  mirror=$(grep -hoE 'https?://[^ ]+/debian/?' /etc/apt/sources.list.d/* /etc/apt/sources.list 2>/dev/null | grep -v security | head -1)
  rm -rf "$work/rootfs"
  debootstrap --variant=minbase bookworm "$work/rootfs" "${mirror:-http://deb.debian.org/debian}" >"$work/debootstrap.log"
  tar -C "$work/rootfs" -c . | docker import - debian:bookworm-slim
fi
stand_ins=infra/docker/stand-ins
if ! has_image node:24-bookworm-slim; then
  context=$(mktemp -d)
  cp "$stand_ins/node.Dockerfile" "$context/Dockerfile"
  cp "$(node -p 'process.execPath')" "$context/node"
  (cd "$context" && npm pack npm@11 --silent >/dev/null && mkdir npm && tar -xzf npm-*.tgz -C npm --strip-components=1)
  docker build -q -t node:24-bookworm-slim "$context"
  rm -rf "$context"
fi
has_image postgres:16 || docker build -q -t postgres:16 -f "$stand_ins/postgres.Dockerfile" "$stand_ins"
has_image redis:7 || docker build -q -t redis:7 -f "$stand_ins/redis.Dockerfile" "$stand_ins"

log "App images (infra/docker/Dockerfile)"
export DOCKER_BUILDKIT=1
# The build context is the committed tree (HEAD), not the working tree: what CI would build,
# whatever is half-edited in the checkout.
# CONTAINERS_CONTEXT_TAR overrides it with a prepared tarball (a release archive, a patched tree).
context=${CONTAINERS_CONTEXT_TAR:-$work/context.tar}
[ -n "${CONTAINERS_CONTEXT_TAR:-}" ] || git archive --format=tar -o "$context" HEAD
ca=/etc/ssl/certs/ca-certificates.crt
build() { # tag, APP, [target]
  local started=$SECONDS
  docker build -f infra/docker/Dockerfile --build-arg APP="$2" ${3:+--target "$3"} \
    --build-arg VERSION=0.0.0-local --build-arg REVISION="$(git rev-parse HEAD)" \
    --build-arg CREATED="$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
    --secret "id=npm-ca,src=$ca" -t "$1" - <"$context" >"$work/build-${1//[:\/]/_}.log" 2>&1 \
    || { tail -40 "$work/build-${1//[:\/]/_}.log" >&2; exit 1; }
  echo "built $1 in $((SECONDS - started)) s"
}
for app in gateway identity orders worker; do build "groundwork/$app:local" "$app"; done
build groundwork/migrate:local "identity orders worker" migrate

log "Image sizes (goal: under 200 MB each)"
for image in gateway identity orders worker migrate; do
  size=$(docker image inspect "groundwork/$image:local" --format '{{.Size}}')
  printf '%-10s %4d MB\n' "$image" "$((size / 1000000))"
done | tee "$work/image-sizes.txt"

log "Stack up (docker-compose, waits for every healthcheck)"
export COMPOSE_PROJECT_NAME=groundwork-smoke IMAGE_TAG=local
env_file=$(mktemp)
# Host ports off the defaults: a local PostgreSQL, Redis or dev server may hold them.
sed -e 's/^POSTGRES_PORT=.*/POSTGRES_PORT=15432/' -e 's/^REDIS_PORT=.*/REDIS_PORT=16379/' \
  -e 's/^GATEWAY_PORT=.*/GATEWAY_PORT=13000/' -e 's/^IDENTITY_PORT=.*/IDENTITY_PORT=13001/' \
  -e 's/^ORDERS_PORT=.*/ORDERS_PORT=13002/' -e 's/^WORKER_PORT=.*/WORKER_PORT=13003/' \
  .env.example >"$env_file"
compose() { docker-compose --env-file "$env_file" -f docker-compose.yml "$@"; }
teardown() {
  if [ "${KEEP_STACK:-0}" != 1 ]; then compose down -v --remove-orphans >/dev/null 2>&1 || true; fi
  rm -f "$env_file"
  stop_engine
}
trap teardown EXIT
compose up -d --no-build
for _ in $(seq 1 90); do
  if curl -fsS http://127.0.0.1:13000/health/ready >/dev/null 2>&1 \
    && [ "$(docker inspect -f '{{.State.Health.Status}}' "$(compose ps -q worker)")" = healthy ]; then
    break
  fi
  sleep 2
done
compose ps
curl -fsS http://127.0.0.1:13000/health/ready >/dev/null || { compose logs --tail=50; exit 1; }

log "Smoke test through the gateway"
GATEWAY_URL=http://127.0.0.1:13000 \
  WORKER_DATABASE_URL=postgresql://postgres:postgres@127.0.0.1:15432/groundwork_worker \
  node infra/check/src/container-smoke.ts || { compose logs --tail=80; exit 1; }
log "Container stage passed"
