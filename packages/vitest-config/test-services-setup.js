import { readFile } from 'node:fs/promises';
import { findPackageJSON } from 'node:module';
import { dirname, join } from 'node:path';

const HARNESS = '@groundwork/testing';

/**
 * Global setup registered for every package, active only in packages that declare
 * `@groundwork/testing`: those get real Postgres and Redis (env, local default or containers)
 * resolved once per run; the others pay one package.json read.
 * @param {import('vitest/node').TestProject} project
 */
export default async function setup(project) {
  if (!(await declaresHarness(project.config.root))) return undefined;
  const { default: setupTestServices } = await import(await harnessGlobalSetupPath());
  return setupTestServices(project);
}

/** @param {string} root */
async function declaresHarness(root) {
  let manifest;
  try {
    manifest = JSON.parse(await readFile(join(root, 'package.json'), 'utf8'));
  } catch {
    return false;
  }
  return (
    manifest.name === HARNESS ||
    HARNESS in (manifest.dependencies ?? {}) ||
    HARNESS in (manifest.devDependencies ?? {})
  );
}

/**
 * Vitest loads global setups without the `@groundwork/source` condition, so a bare import would
 * look for the unbuilt dist/. The harness's own exports map names the source file instead.
 */
async function harnessGlobalSetupPath() {
  const manifestPath = findPackageJSON(HARNESS, import.meta.url);
  if (manifestPath === undefined) throw new Error(`${HARNESS} is declared but not installed`);
  const manifest = JSON.parse(await readFile(manifestPath, 'utf8'));
  return join(dirname(manifestPath), manifest.exports['./global-setup']['@groundwork/source']);
}
