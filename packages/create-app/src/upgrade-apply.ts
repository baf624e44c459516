import {
  chmod,
  mkdir,
  mkdtemp,
  readdir,
  rename,
  rm,
  rmdir,
  stat,
  writeFile,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** One change to a project file: new bytes (and optionally a mode), or removal. */
export type FileChange =
  | { path: string; content: Buffer; executable?: boolean }
  | { path: string; remove: true };

interface Done {
  target: string;
  backup: string | undefined;
  wrote: boolean;
  createdDir: string | undefined;
}

/**
 * Applies every change or none. New contents are first written into a staging folder inside
 * `stagingParent` (the project, so renames stay on one file system); then each target is moved
 * aside into that folder and its new version renamed in. A failure part way moves every original
 * back, removes the folders it created, and rethrows, so the project is as it was.
 */
export async function applyChanges(
  projectDir: string,
  stagingParent: string,
  changes: readonly FileChange[],
): Promise<void> {
  const staging = await mkdtemp(join(stagingParent, '.upgrade-'));
  const done: Done[] = [];
  try {
    const staged: (string | undefined)[] = [];
    for (const [i, change] of changes.entries()) {
      if ('remove' in change) {
        staged.push(undefined);
        continue;
      }
      const file = join(staging, `new-${i}`);
      await writeFile(file, change.content);
      const mode = await targetMode(join(projectDir, change.path), change.executable);
      await chmod(file, mode);
      staged.push(file);
    }
    for (const [i, change] of changes.entries()) {
      const target = join(projectDir, change.path);
      const step: Done = { target, backup: undefined, wrote: false, createdDir: undefined };
      done.push(step);
      if (await exists(target)) {
        step.backup = join(staging, `old-${i}`);
        await rename(target, step.backup);
      }
      const file = staged[i];
      if (file === undefined) continue;
      step.createdDir = await mkdir(dirname(target), { recursive: true });
      await rename(file, target);
      step.wrote = true;
    }
  } catch (error) {
    await rollBack(done);
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  await rm(staging, { recursive: true, force: true });
  for (const change of changes) {
    if ('remove' in change) await removeEmptyParents(projectDir, dirname(change.path));
  }
}

async function rollBack(done: readonly Done[]): Promise<void> {
  for (const step of [...done].reverse()) {
    if (step.wrote) await rm(step.target, { force: true });
    if (step.createdDir !== undefined) await rm(step.createdDir, { recursive: true, force: true });
    if (step.backup !== undefined) await rename(step.backup, step.target);
  }
}

/** An existing file keeps its mode unless the template says otherwise; a new one gets 644/755. */
async function targetMode(target: string, executable: boolean | undefined): Promise<number> {
  if (executable !== undefined) return executable ? 0o755 : 0o644;
  try {
    return (await stat(target)).mode & 0o777;
  } catch {
    return 0o644;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return false;
    throw error;
  }
}

/** A folder the template no longer has, emptied by removals, goes too (git keeps no empty ones). */
async function removeEmptyParents(projectDir: string, dir: string): Promise<void> {
  for (let current = dir; current !== '.' && current !== ''; current = dirname(current)) {
    const absolute = join(projectDir, current);
    try {
      if ((await readdir(absolute)).length > 0) return;
      await rmdir(absolute);
    } catch {
      return;
    }
  }
}
