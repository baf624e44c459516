import { execFile } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { CreateAppError } from './create-app-error.ts';
import { TEMPLATE_INDEX } from './template-index.ts';

const run = promisify(execFile);

/** A packed template folder ready to read, and how to clean up what finding it unpacked. */
export interface TemplateSource {
  templateDir: string;
  dispose: () => Promise<void>;
}

/**
 * Finds the packed template that `--from-template` names: a folder holding template-index.json,
 * a create-groundwork package folder (its `template/`), or the tarball `npm pack` makes of it
 * (unpacked with the system tar into a temporary folder).
 */
export async function openTemplateSource(path: string, cwd: string): Promise<TemplateSource> {
  const absolute = resolve(cwd, path);
  const kind = await fileKind(absolute);
  if (kind === 'dir') {
    for (const candidate of [absolute, join(absolute, 'template')]) {
      if ((await fileKind(join(candidate, TEMPLATE_INDEX))) === 'file') {
        return { templateDir: candidate, dispose: async () => {} };
      }
    }
  }
  if (kind === 'file') {
    const dir = await mkdtemp(join(tmpdir(), 'groundwork-template-'));
    try {
      await run('tar', ['-xzf', absolute, '-C', dir]);
      const templateDir = join(dir, 'package', 'template');
      if ((await fileKind(join(templateDir, TEMPLATE_INDEX))) === 'file') {
        return { templateDir, dispose: () => rm(dir, { recursive: true, force: true }) };
      }
    } catch {
      // Not a tarball: reported below like any other unusable path.
    }
    await rm(dir, { recursive: true, force: true });
  }
  throw new CreateAppError(
    'UPGRADE_TEMPLATE_NOT_FOUND',
    `--from-template ${path} is not a packed template folder, a create-groundwork package or its tarball`,
  );
}

async function fileKind(path: string): Promise<'file' | 'dir' | 'missing'> {
  try {
    return (await stat(path)).isDirectory() ? 'dir' : 'file';
  } catch {
    return 'missing';
  }
}
