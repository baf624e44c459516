// Adds up the per-package test summaries that @groundwork/vitest-config's reporter writes, checks
// that the tests ran on the pinned Node major, and prints one closing line for the whole repo.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const expectedMajor = readFileSync(join(root, '.nvmrc'), 'utf8').trim();
const totals = { passed: 0, failed: 0, skipped: 0 };
const versions = new Set();

// Every workspace of the root package.json: `apps/*` means each folder in apps/, `e2e` itself.
const { workspaces = [] } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const folders = workspaces.flatMap((pattern) => {
  if (!pattern.endsWith('/*')) return [pattern];
  const parent = pattern.slice(0, -2);
  try {
    return readdirSync(join(root, parent)).map((name) => join(parent, name));
  } catch {
    return [];
  }
});

for (const folder of folders) {
  let summary;
  try {
    summary = JSON.parse(readFileSync(join(root, folder, 'reports', 'test-summary.json'), 'utf8'));
  } catch {
    continue;
  }
  totals.passed += summary.passed;
  totals.failed += summary.failed + summary.unhandledErrors;
  totals.skipped += summary.skipped;
  versions.add(summary.node);
}

process.stdout.write(`Tests ran on Node ${[...versions].join(', ') || 'unknown'}\n`);
const wrong = [...versions].filter((version) => !version.startsWith(`v${expectedMajor}.`));
if (versions.size === 0 || wrong.length > 0) {
  console.error(
    `ERROR: tests must run on the pinned Node ${expectedMajor}, not ${wrong.join(', ') || 'none'}`,
  );
  process.exitCode = 1;
}
if (totals.passed === 0) {
  console.error('ERROR: no test passed');
  process.exitCode = 1;
}
process.stdout.write(
  `tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
);
if (totals.failed > 0) process.exitCode = 1;
