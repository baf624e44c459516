import { execFile } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { CLI_WORKSPACE } from './services.ts';
import { storedPath, TEMPLATE_INDEX, type TemplateIndex } from './template-index.ts';

const run = promisify(execFile);

/** Path segments that are build output or local state even if a .gitignore forgets them. */
const NEVER_PACKED_SEGMENTS = new Set(['node_modules', 'dist', '.turbo', 'reports', 'coverage']);

/**
 * Whether a committed file belongs in the template. Git already leaves out what .gitignore
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

/** A file of the committed tree: path, blob id, and whether git records it as executable. */
export interface CommittedFile {
  path: string;
  blob: string;
  executable: boolean;
}

/**
 * The regular files of the tree at `ref`. Symlinks and submodules are not part of what a project
 * gets. Only what .gitignore let through was ever committed, so ignored files never appear.
 */
export async function listCommittedFiles(repoRoot: string, ref: string): Promise<CommittedFile[]> {
  const { stdout } = await run('git', ['ls-tree', '-r', '-z', '--full-tree', ref], {
    cwd: repoRoot,
    maxBuffer: 64 * 1024 * 1024,
  });
  const files: CommittedFile[] = [];
  for (const entry of stdout.split('\0')) {
    // "<mode> <type> <blob>\t<path>"
    const match = /^(100644|100755) blob ([0-9a-f]+)\t(.+)$/s.exec(entry);
    if (match?.[2] !== undefined && match[3] !== undefined) {
      files.push({ path: match[3], blob: match[2], executable: match[1] === '100755' });
    }
  }
  return files;
}

/**
 * Copies the template files of the committed tree at `ref` (HEAD by default) into `outDir`
 * (emptied first) with a template-index.json that lists them, their modes and the version. The
 * committed tree, never the checkout: an uncommitted, half-edited file must not ship (the same
 * rule as the container builds). Runs at pack time, so the published CLI carries the template and
 * needs no network to create a project.
 */
export async function packTemplate(options: {
  repoRoot: string;
  outDir: string;
  version: string;
  ref?: string;
}): Promise<TemplateIndex> {
  const committed = await listCommittedFiles(options.repoRoot, options.ref ?? 'HEAD');
  const chosen = committed.filter((file) => isTemplatePath(file.path));
  const files = chosen.map((file) => file.path);
  assertNoStoredPathCollision(files);
  await rm(options.outDir, { recursive: true, force: true });
  for (const file of chosen) {
    const destination = join(options.outDir, storedPath(file.path));
    await mkdir(dirname(destination), { recursive: true });
    const { stdout } = await run('git', ['cat-file', 'blob', file.blob], {
      cwd: options.repoRoot,
      encoding: 'buffer',
      maxBuffer: 256 * 1024 * 1024,
    });
    await writeFile(destination, stdout);
  }
  const executable = chosen.filter((file) => file.executable).map((file) => file.path);
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
