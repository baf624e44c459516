// Cuts a `turbo prune --docker` tree (package.json files + lockfile) down to what production
// installs need, before `npm ci --omit=dev` in the Dockerfile's prod-deps stage.
//
// turbo prune keeps every workspace the apps reach, devDependencies included, and npm installs every
// workspace of the tree with its own dependencies whatever `--omit=dev` says: the test-only
// workspaces (@groundwork/testing, vitest-config, typescript-config) would bring vitest,
// testcontainers and TypeScript into every image. So: keep only the workspaces the apps reach
// through `dependencies`, and drop every devDependencies list, from the package.json files and from
// the lockfile's copy of them. Versions stay exactly as locked; `npm ci` prunes what no one needs.
//
//   node production-tree.mjs <dir> @groundwork/orders [@groundwork/worker ...]
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const [dir, ...apps] = process.argv.slice(2);
if (!dir || apps.length === 0) {
  process.stderr.write('usage: node production-tree.mjs <dir> <workspace name>...\n');
  process.exit(64);
}
const readJson = (file) => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
const writeJson = (file, value) =>
  writeFileSync(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`);

const lock = readJson('package-lock.json');
// Workspace folders are the lockfile entries outside node_modules (the root is "").
const folderOf = new Map(
  Object.entries(lock.packages)
    .filter(([key]) => key !== '' && !key.includes('node_modules/'))
    .map(([key, entry]) => [readJson(`${key}/package.json`).name ?? entry.name, key]),
);

const kept = new Set();
const queue = [...apps];
while (queue.length > 0) {
  const name = queue.pop();
  const folder = folderOf.get(name);
  if (!folder) throw new Error(`${name} is not a workspace of the pruned tree`);
  if (kept.has(folder)) continue;
  kept.add(folder);
  const manifest = readJson(`${folder}/package.json`);
  const runtime = { ...manifest.dependencies, ...manifest.optionalDependencies };
  queue.push(...Object.keys(runtime).filter((dep) => folderOf.has(dep)));
}

for (const [name, folder] of folderOf) {
  if (kept.has(folder)) continue;
  rmSync(path.join(dir, folder), { recursive: true, force: true });
  delete lock.packages[folder];
  delete lock.packages[`node_modules/${name}`];
  process.stdout.write(`production-tree: dropped ${name} (no production dependency reaches it)\n`);
}
for (const key of ['', ...kept]) {
  const file = key === '' ? 'package.json' : `${key}/package.json`;
  const manifest = readJson(file);
  delete manifest.devDependencies;
  writeJson(file, manifest);
  delete lock.packages[key].devDependencies;
}
writeJson('package-lock.json', lock);
