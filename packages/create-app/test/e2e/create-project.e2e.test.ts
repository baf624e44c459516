import { spawn } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, test } from 'vitest';

/**
 * The published path, end to end: `npm pack` this package (prepack builds it and packs the
 * template from HEAD), run the packed bin through `npx --package <tarball>` as `npm create` would,
 * and in the new project run what its README promises: install, lint, typecheck, test and the
 * TODO check, against the local Postgres and Redis. Each selection uses its own project name, so
 * its databases (`<name>_*`, test databases `<name>_test_*`) never meet those of this repository's
 * own test run or of the other selection.
 */

const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
/** A project's steps are whole builds and test suites on a shared machine: bound hangs only. */
const STEP_TIMEOUT_MS = 30 * 60_000;

let work: string;
let tarball: string;
let failed = false;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'create-groundwork-e2e-'));
  await step('npm pack', work, 'npm', ['pack', '--pack-destination', work], PACKAGE_DIR);
  const packed = (await readdir(work)).find((name) => name.endsWith('.tgz'));
  if (packed === undefined) throw new Error(`npm pack left no tarball in ${work}`);
  tarball = join(work, packed);
});

afterAll(async () => {
  // A failed project stays for a look (its path is in the error); a passing one is removed.
  if (!failed && work !== undefined) await rm(work, { recursive: true, force: true });
});

test('when create-app runs into an empty folder and turbo gen service adds payments, then the project installs, builds and passes its tests, the API contract included', async () => {
  const dir = await createProject('shop', ['--scope', 'acme']);
  const manifest = JSON.parse(await readFile(join(dir, '.groundwork/template.json'), 'utf8'));
  expect(manifest.options).toMatchObject({
    name: 'shop',
    scope: 'acme',
    services: ['identity', 'orders', 'worker'],
  });
  await step('shop: npm install', work, 'npm', ['install', '--no-audit', '--no-fund'], dir);
  await step('shop: turbo gen service payments', work, 'npx', generateService('payments'), dir);
  // The next steps the generator prints: link the workspace, add its paths to the contract.
  await step('shop: npm install again', work, 'npm', ['install', '--no-audit', '--no-fund'], dir);
  await step('shop: api:check --write', work, 'npm', ['run', 'api:check', '--', '--write'], dir);
  const contract = JSON.parse(await readFile(join(dir, 'docs/api/openapi.json'), 'utf8'));
  expect(Object.keys(contract.paths)).toContain('/v1/payments/{id}');
  await verifyProject(dir);
  await step('shop: npm run api:check', work, 'npm', ['run', 'api:check'], dir);
});

test('when create-app keeps identity and orders only, then the project without the worker installs, builds and passes its tests', async () => {
  const dir = await createProject('depot', ['--scope', 'acme', '--services', 'identity,orders']);
  expect(await readdir(join(dir, 'apps'))).not.toContain('worker');
  await verifyProject(dir);
});

test('when create-app keeps orders only, then the project without identity and the worker installs, builds, passes its tests and writes the API contract of what it kept', async () => {
  const dir = await createProject('stall', ['--scope', 'acme', '--services', 'orders']);
  expect(await readdir(join(dir, 'apps'))).toEqual(['README.md', 'gateway', 'orders']);
  await verifyProject(dir);
  // The template's contract included identity's paths: the project writes its own, as told.
  await step('stall: api:check --write', work, 'npm', ['run', 'api:check', '--', '--write'], dir);
  await step('stall: npm run api:check', work, 'npm', ['run', 'api:check'], dir);
  const contract = JSON.parse(await readFile(join(dir, 'docs/api/openapi.json'), 'utf8'));
  expect(Object.keys(contract.paths)).toContain('/v1/orders');
  expect(Object.keys(contract.paths).filter((path) => path.startsWith('/v1/auth'))).toEqual([]);
});

test('when create-app keeps identity only, then the project without orders and the worker installs, builds and passes its tests', async () => {
  const dir = await createProject('badge', ['--scope', 'acme', '--services', 'identity']);
  expect(await readdir(join(dir, 'apps'))).toEqual(['README.md', 'gateway', 'identity']);
  await verifyProject(dir);
  await step('badge: api:check --write', work, 'npm', ['run', 'api:check', '--', '--write'], dir);
  await step('badge: npm run api:check', work, 'npm', ['run', 'api:check'], dir);
});

/** `npx turbo gen service --args <name>`, non-interactive, as the README gives it. */
function generateService(name: string): string[] {
  return ['--no-install', 'turbo', 'gen', 'service', '--args', name];
}

/** Creates `name` from the packed CLI in an empty folder that already exists, as a user might. */
async function createProject(name: string, flags: string[]): Promise<string> {
  const parent = join(work, `${name}-parent`);
  const dir = join(parent, name);
  await mkdir(dir, { recursive: true });
  const cli = ['--yes', '--package', tarball, 'create-groundwork', name, ...flags, '--yes'];
  await step(`${name}: create`, work, 'npx', cli, parent);
  return dir;
}

async function verifyProject(dir: string): Promise<void> {
  const name = dir.slice(dir.lastIndexOf('/') + 1);
  await step(`${name}: npm install`, work, 'npm', ['install', '--no-audit', '--no-fund'], dir);
  await step(`${name}: npm run lint`, work, 'npm', ['run', 'lint'], dir);
  await step(`${name}: npm run typecheck`, work, 'npm', ['run', 'typecheck'], dir);
  await step(`${name}: npm test`, work, 'npm', ['test'], dir);
  await step(`${name}: npm run todo:check`, work, 'npm', ['run', 'todo:check'], dir);
}

/**
 * Runs one command with its output in `<work>/<label>.log`, logs how long it took, and on failure
 * throws with the log's tail. Resolves on exit 0, whatever the time: no timing is asserted.
 */
async function step(
  label: string,
  logDir: string,
  command: string,
  args: string[],
  cwd: string,
): Promise<void> {
  const logPath = join(logDir, `${label.replace(/[^a-z0-9]+/gi, '-')}.log`);
  const log = createWriteStream(logPath);
  const started = Date.now();
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: projectEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout.pipe(log, { end: false });
    child.stderr.pipe(log, { end: false });
    const timer = setTimeout(() => child.kill('SIGTERM'), STEP_TIMEOUT_MS);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  await new Promise((resolve) => log.end(resolve));
  const seconds = Math.round((Date.now() - started) / 1000);
  process.stdout.write(`[create-app e2e] ${label}: exit ${code} after ${seconds}s\n`);
  if (code !== 0) {
    failed = true;
    const tail = (await readFile(logPath, 'utf8')).split('\n').slice(-60).join('\n');
    throw new Error(`${label} exited ${code} (in ${cwd}; log ${logPath}):\n${tail}`);
  }
}

/**
 * The environment of a user's shell, not of this test run: without npm's, vitest's and turbo's
 * variables (an inherited `npm_config_workspace` would point the project's npm at a workspace it
 * does not have), with this Node 24 first on PATH and a git identity for the first commit.
 */
function projectEnv(): NodeJS.ProcessEnv {
  const kept = new Set(['npm_config_registry', 'npm_config_cache', 'npm_config_userconfig']);
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (lower.startsWith('npm_') && !kept.has(lower)) continue;
    if (/^(VITEST|TURBO_)/.test(key) && key !== 'TURBO_TELEMETRY_DISABLED') continue;
    if (['NODE_ENV', 'NODE_OPTIONS', 'INIT_CWD', 'TEST'].includes(key)) continue;
    env[key] = value;
  }
  // Keep the project's own node_modules/.bin ahead of this repository's.
  const path = (process.env.PATH ?? '')
    .split(delimiter)
    .filter((entry) => !entry.includes('node_modules'));
  env.PATH = [dirname(process.execPath), ...path].join(delimiter);
  env.GIT_AUTHOR_NAME ??= 'create-app e2e';
  env.GIT_AUTHOR_EMAIL ??= 'e2e@example.test';
  env.GIT_COMMITTER_NAME ??= env.GIT_AUTHOR_NAME;
  env.GIT_COMMITTER_EMAIL ??= env.GIT_AUTHOR_EMAIL;
  return env;
}
