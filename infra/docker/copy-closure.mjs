// Copies packages and everything they depend on, as installed by `npm ci` from the lockfile, into
// another node_modules: the migrate image gets the Prisma CLI and the offline schema engine without
// any app's dependencies (they are devDependencies of @groundwork/db, so no production install has
// them). Optional peers (TypeScript, for editor types of prisma.config.ts) are left out.
//
//   node copy-closure.mjs <from dir> <to dir> prisma @prisma/schema-engine-wasm ...
import { execFileSync } from 'node:child_process';
import { cpSync } from 'node:fs';
import path from 'node:path';

const [from, to, ...names] = process.argv.slice(2);
if (!from || !to || names.length === 0) {
  process.stderr.write('usage: node copy-closure.mjs <from dir> <to dir> <package>...\n');
  process.exit(64);
}
const closure = (packages) =>
  JSON.parse(
    execFileSync(
      'npm',
      ['query', packages.map((name) => `[name="${name}"], [name="${name}"] *`).join(', ')],
      { cwd: from, encoding: 'utf8' },
    ),
  );
const nodes = closure(names);
const optionalPeers = [
  ...new Set(
    nodes.flatMap((node) =>
      Object.entries(node.peerDependenciesMeta ?? {})
        .filter(([name, meta]) => meta.optional && !names.includes(name))
        .map(([name]) => name),
    ),
  ),
];
const skipped = new Set(
  optionalPeers.length > 0 ? closure(optionalPeers).map((n) => n.location) : [],
);
const locations = [...new Set(nodes.map((node) => node.location))]
  .filter((location) => location.startsWith('node_modules/') && !skipped.has(location))
  .sort();
for (const location of locations) {
  cpSync(path.join(from, location), path.join(to, location), { recursive: true });
}
process.stdout.write(`copy-closure: ${locations.length} packages of ${names.join(', ')}\n`);
