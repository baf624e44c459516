import { spawn } from 'node:child_process';
import { cp, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';

const prismaPackage = createRequire(import.meta.url).resolve('prisma/package.json');
/** The workspace's hoisted node_modules (where `prisma` and `@groundwork/db` live). */
const workspaceNodeModules = path.resolve(path.dirname(prismaPackage), '..');
/** What `node_modules/.bin/prisma` runs. */
const prismaCli = path.join(path.dirname(prismaPackage), 'build', 'index.js');

export interface ServiceFolder {
  readonly dir: string;
  /** Runs `npx prisma <args>` in the folder, exactly as a developer would in a service. */
  npxPrisma(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  /**
   * Runs the same CLI in the folder without npx's second or so of package resolution per call,
   * which a story of thirty calls pays on every CI run.
   */
  prisma(args: readonly string[], options?: RunOptions): Promise<CliResult>;
  remove(): Promise<void>;
}

export interface RunOptions {
  readonly env?: Record<string, string | undefined>;
  readonly stdin?: string;
}

export interface CliResult {
  readonly code: number | null;
  /** stdout and stderr, interleaved as printed. */
  readonly output: string;
}

/**
 * Copies a fixture into a temporary folder shaped like a service: its own files plus the
 * workspace's node_modules, so `npx prisma` runs there with the repo's pinned versions and
 * finds the folder's prisma.config.ts (npx runs in the nearest folder with a node_modules).
 */
export async function createServiceFolder(fixtureDir: string): Promise<ServiceFolder> {
  const dir = await mkdtemp(path.join(tmpdir(), 'groundwork-prisma-'));
  await cp(fixtureDir, dir, { recursive: true });
  await symlink(workspaceNodeModules, path.join(dir, 'node_modules'), 'dir');
  return {
    dir,
    npxPrisma: (args, options) => run('npx', ['prisma', ...args], dir, options),
    prisma: (args, options) => run(process.execPath, [prismaCli, ...args], dir, options),
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}

function run(
  command: string,
  args: readonly string[],
  cwd: string,
  { env = {}, stdin }: RunOptions = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: childEnv(env) });
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
    child.stdin.end(stdin ?? '');
  });
}

/** Variables a developer's shell may hold that would pick another engine or database. */
const INHERITED_BUT_IGNORED = new Set([
  'DATABASE_URL',
  'SHADOW_DATABASE_URL',
  'GROUNDWORK_SCHEMA_ENGINE',
  'GROUNDWORK_SCHEMA_ENGINE_WASM',
]);

/**
 * V8's code cache for the CLI and the engine stand-in, shared by the story's calls (each is two
 * fresh Node processes that load the same large bundles).
 */
const compileCache = path.join(tmpdir(), 'groundwork-prisma-cli-compile-cache');

/**
 * The caller's environment without what would change which engine or which database the CLI
 * uses (the test must exercise the engine prisma.config.ts selects), and without npm's `npm_*`
 * variables (set under `npm test`), which would send npx back to the package folder. This
 * process's Node comes first on PATH, as under npx: the engine stand-in starts with
 * `#!/usr/bin/env node`.
 */
function childEnv(overrides: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (key.startsWith('npm_') || key.startsWith('PRISMA_') || INHERITED_BUT_IGNORED.has(key)) {
      continue;
    }
    env[key] = value;
  }
  Object.assign(env, {
    CHECKPOINT_DISABLE: '1',
    PRISMA_HIDE_UPDATE_MESSAGE: '1',
    NODE_COMPILE_CACHE: compileCache,
    PATH: [path.dirname(process.execPath), env.PATH].join(path.delimiter),
  });
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}
