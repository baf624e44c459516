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
  case "$name" in
    @groundwork) ;;
    # Scopes are directories of links, so that a package only the baseline needs can be added.
    @*)
      mkdir "$dir/node_modules/$name"
      for scoped in "$entry"/*; do ln -s "$scoped" "$dir/node_modules/$name/$(basename "$scoped")"; done
      ;;
    *) ln -s "$entry" "$dir/node_modules/$name" ;;
  esac
done
# Relative links (../../packages/x): copied as links, they point into the new checkout.
cp -P -r "$repo/node_modules/@groundwork" "$dir/node_modules/@groundwork"
for nested in "$repo"/apps/*/node_modules "$repo"/packages/*/node_modules "$repo"/bench/node_modules "$repo"/e2e/node_modules; do
  [ -d "$nested" ] || continue
  target="$dir/${nested#"$repo"/}"
  [ -d "$(dirname "$target")" ] && ln -s "$nested" "$target"
done
# Dependencies the baseline declares that this checkout no longer installs (one it has since
# dropped): installed with npm beside the checkout, outside any lockfile, and linked in.
node="$repo/node_modules/node/bin/node"
[ -x "$node" ] || node=node
# shellcheck disable=SC2016 # the JavaScript below has its own template literals
missing=$(cd "$dir" && "$node" -e '
  const { readFileSync, existsSync } = require("node:fs");
  const { dirname } = require("node:path");
  const manifests = process.argv.slice(1);
  const wanted = new Map();
  for (const file of manifests) {
    const json = JSON.parse(readFileSync(file, "utf8"));
    for (const [name, range] of Object.entries({ ...json.dependencies, ...json.devDependencies })) {
      if (name.startsWith("@groundwork/") || name === "create-groundwork") continue;
      if (existsSync(`node_modules/${name}`) || existsSync(`${dirname(file)}/node_modules/${name}`)) continue;
      wanted.set(name, range);
    }
  }
  console.log([...wanted].map(([name, range]) => `${name}@${range}`).join(" "));
' apps/*/package.json packages/*/package.json)
if [ -n "$missing" ]; then
  echo "installing what only the baseline needs: $missing"
  # shellcheck disable=SC2086 # one argument per package
  npm install --no-save --no-package-lock --ignore-scripts --prefix "$dir/.baseline-extra" $missing >/dev/null
  for extra in "$dir"/.baseline-extra/node_modules/* "$dir"/.baseline-extra/node_modules/@*/*; do
    case "$extra" in */node_modules/@*/*) name="$(basename "$(dirname "$extra")")/$(basename "$extra")" ;; *) name=$(basename "$extra") ;; esac
    case "$name" in @*/*) ;; @*|.bin) continue ;; esac
    [ -e "$dir/node_modules/$name" ] || ln -s "$extra" "$dir/node_modules/$name"
  done
fi

for app in identity orders worker; do
  (cd "$dir/apps/$app" && npm run -s generate >/dev/null)
done
echo "baseline checkout of $(git -C "$dir" rev-parse --short HEAD) at $dir"
