import { execFile } from 'node:child_process';
import { copyFile, lstat, mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_WORKSPACE } from './services.ts';
import { storedPath, TEMPLATE_INDEX, type TemplateIndex } from './template-index.ts';

const run = promisify(execFile);

/** Path segments that are build output or local state even if a .gitignore forgets them. */
const NEVER_PACKED_SEGMENTS = new Set(['node_modules', 'dist', '.turbo', 'reports', 'coverage']);

/**
 * Whether a repository file belongs in the template. Git already leaves out what .gitignore
 * names; this is the second fence, and it also keeps the CLI itself out of the projects it makes.
 */
export function isTemplatePath(path: string): boolean {
  if (path.startsWith(`${CLI_WORKSPACE.dir}/`)) return false;
  const segments = path.split('/');
  if (segments.some((segment) => NEVER_PACKED_SEGMENTS.has(segment))) return false;
  if (path.includes('/src/generated/') || path.endsWith('.tsbuildinfo')) return false;
  const base = segments.at(-1) ?? '';
  return !(base === '.env' || (base.startsWith('.env.') && base !== '.env.example'));
}

/** Files git tracks or would track (untracked but not ignored), that exist on disk. */
export async function listRepoFiles(repoRoot: string): Promise<string[]> {
  const { stdout } = await run(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024 },
  );
  const paths = [...new Set(stdout.split('\0').filter((path) => path !== ''))].sort();
  const files: string[] = [];
  for (const path of paths) {
    // Deleted-but-tracked files and symlinks are not part of what a project gets.
    const stat = await lstat(join(repoRoot, path)).catch(() => undefined);
    if (stat?.isFile()) files.push(path);
  }
  return files;
}

/**
 * Copies the repository's template files into `outDir` (emptied first) with a template-index.json
 * that lists them, their modes and the version. Runs at pack time, so the published CLI carries
 * the template and needs no network to create a project.
 */
export async function packTemplate(options: {
  repoRoot: string;
  outDir: string;
  version: string;
}): Promise<TemplateIndex> {
  const files = (await listRepoFiles(options.repoRoot)).filter(isTemplatePath);
  assertNoStoredPathCollision(files);
  await rm(options.outDir, { recursive: true, force: true });
  const executable: string[] = [];
  for (const path of files) {
    const source = join(options.repoRoot, path);
    const destination = join(options.outDir, storedPath(path));
    await mkdir(dirname(destination), { recursive: true });
    await copyFile(source, destination);
    if (((await lstat(source)).mode & 0o111) !== 0) executable.push(path);
  }
  const index: TemplateIndex = { version: options.version, files, executable };
  await writeFile(join(options.outDir, TEMPLATE_INDEX), `${JSON.stringify(index, null, 2)}\n`);
  return index;
}

function assertNoStoredPathCollision(files: readonly string[]): void {
  const real = new Set(files);
  for (const path of files) {
    const stored = storedPath(path);
    if (stored !== path && real.has(stored)) {
      throw new Error(`template: ${path} is packed as ${stored}, which the repository also has`);
    }
  }
  if (real.has(TEMPLATE_INDEX)) {
    throw new Error(`template: the repository has a ${TEMPLATE_INDEX}, the name of the index`);
  }
}
