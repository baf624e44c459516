#!/usr/bin/env bash
# Usage: bench/scripts/baseline-checkout.sh <commit> <dir>
#
# A second checkout of <commit> at <dir> that runs on this checkout's installed dependencies, for
# `npm run telemetry-cost -w @groundwork/bench` to measure a baseline in the same run as the working
# tree (TELEMETRY_COST_VARIANTS=off,otlp,otlp@<dir>). Its @groundwork/* packages resolve to its own
# sources; every other package, and each workspace's nested node_modules, is a link to this
# checkout's. Remove it with `git worktree remove --force <dir>`.
set -euo pipefail
commit=${1:?commit}
dir=${2:?dir}
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)

git -C "$repo" worktree add --detach "$dir" "$commit"
mkdir "$dir/node_modules"
for entry in "$repo"/node_modules/* "$repo"/node_modules/.bin; do
  name=$(basename "$entry")
  [ "$name" = "@groundwork" ] || ln -s "$entry" "$dir/node_modules/$name"
done
# Relative links (../../packages/x): copied as links, they point into the new checkout.
cp -P -r "$repo/node_modules/@groundwork" "$dir/node_modules/@groundwork"
for nested in "$repo"/apps/*/node_modules "$repo"/packages/*/node_modules "$repo"/bench/node_modules "$repo"/e2e/node_modules; do
  [ -d "$nested" ] || continue
  target="$dir/${nested#"$repo"/}"
  [ -d "$(dirname "$target")" ] && ln -s "$nested" "$target"
done
for app in identity orders worker; do
  (cd "$dir/apps/$app" && npm run -s generate >/dev/null)
done
echo "baseline checkout of $(git -C "$dir" rev-parse --short HEAD) at $dir"
