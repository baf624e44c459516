import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { extractTestTitles } from './test-titles.ts';

/** Where test files live when the root declares no workspaces (fixtures, bare checkouts). */
const DEFAULT_TEST_ROOTS = ['apps', 'packages'];
/** Build output and installed code never count as evidence; dot folders hold tool caches. */
const SKIPPED_FOLDERS = new Set(['node_modules', 'dist']);

/** What the checker needs to know about a repository: which paths exist, which tests do. */
export interface RepoView {
  readonly root: string;
  pathExists(repoRelativePath: string): boolean;
  readonly testTitles: ReadonlySet<string>;
}

/**
 * Reads a repository from disk: every `*.test.ts` (unit and `*.int.test.ts`) in its npm
 * workspaces (`apps/`, `packages/`, `e2e/`...), skipping `node_modules`, `dist` and dot folders.
 *
 * @example
 * const repo = readRepo('/work/main');
 * repo.pathExists('packages/errors/src/problem.ts'); // true
 * repo.testTitles.has('when a catalogue error is thrown, then ...'); // true
 */
export function readRepo(root: string): RepoView {
  const testTitles = new Set<string>();
  for (const file of listTestFiles(root)) {
    for (const title of extractTestTitles(readFileSync(file, 'utf8'))) testTitles.add(title);
  }
  return {
    root,
    pathExists: (repoRelativePath) => existsSync(join(root, repoRelativePath)),
    testTitles,
  };
}

/** Absolute paths of the test files in the workspaces, sorted for stable output. */
export function listTestFiles(root: string): string[] {
  const files: string[] = [];
  const visit = (folder: string): void => {
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        if (!SKIPPED_FOLDERS.has(entry.name) && !entry.name.startsWith('.')) visit(path);
      } else if (entry.isFile() && entry.name.endsWith('.test.ts')) {
        files.push(path);
      }
    }
  };
  for (const top of testRootsOf(root)) {
    const folder = join(root, top);
    if (existsSync(folder)) visit(folder);
  }
  return files.sort();
}

/**
 * The repository a checklist belongs to: the nearest folder, from the checklist's own folder
 * upwards, whose package.json declares npm `workspaces`. Falls back to the checklist's folder.
 */
export function findRepoRoot(checklistPath: string): string {
  const start = dirname(resolve(checklistPath));
  for (let folder = start; ; folder = dirname(folder)) {
    if (declaresWorkspaces(join(folder, 'package.json'))) return folder;
    if (dirname(folder) === folder) return start;
  }
}

/**
 * The folders that hold the repository's workspaces, from the root package.json: `apps/*` gives
 * `apps`, `e2e` gives `e2e`. Evidence counts wherever the project keeps tests, and nowhere else.
 */
function testRootsOf(root: string): string[] {
  try {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      workspaces?: unknown;
    };
    if (!Array.isArray(manifest.workspaces)) return DEFAULT_TEST_ROOTS;
    const roots = manifest.workspaces
      .filter((entry): entry is string => typeof entry === 'string')
      .map((entry) => entry.replace(/\/\*+$/, ''));
    return [...new Set(roots)];
  } catch {
    return DEFAULT_TEST_ROOTS;
  }
}

function declaresWorkspaces(packageJsonPath: string): boolean {
  if (!existsSync(packageJsonPath)) return false;
  try {
    const manifest: unknown = JSON.parse(readFileSync(packageJsonPath, 'utf8'));
    return typeof manifest === 'object' && manifest !== null && 'workspaces' in manifest;
  } catch {
    return false; // an unreadable package.json is not the root we are looking for
  }
}

/** `path` relative to `root`, with forward slashes, as the checklist writes paths. */
export function toRepoRelative(root: string, path: string): string {
  return relative(root, resolve(path)).split(sep).join('/');
}
