import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateAppError } from './create-app-error.ts';

/** The file at the root of a packed template that lists what it holds. */
export const TEMPLATE_INDEX = 'template-index.json';

/** What `pack-template` recorded: the template version and every file, by its path in a project. */
export interface TemplateIndex {
  version: string;
  files: string[];
  /** Files to write with the executable bit (such as `.ci/run`): npm pack does not keep modes. */
  executable: string[];
}

/**
 * Names stored under another name inside the packed template, restored on generation: npm pack
 * drops or reinterprets some anywhere in a package (`.gitignore` becomes an ignore list, `.npmrc`
 * is never packed), and Biome refuses to run while a second root `biome.json` sits in this repo.
 */
const RENAMED_WHEN_PACKED = new Set([
  '.gitignore',
  '.npmignore',
  '.npmrc',
  'package-lock.json',
  'biome.json',
]);

/** Where the file that a project has at `path` is stored inside the packed template. */
export function storedPath(path: string): string {
  const slash = path.lastIndexOf('/');
  const base = path.slice(slash + 1);
  if (!RENAMED_WHEN_PACKED.has(base)) return path;
  return `${path.slice(0, slash + 1)}_${base.replace(/^\./, '')}`;
}

export async function readTemplateIndex(templateDir: string): Promise<TemplateIndex> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(templateDir, TEMPLATE_INDEX), 'utf8'));
  } catch (error) {
    throw new CreateAppError(
      'CREATE_TEMPLATE_BROKEN',
      `the packed template at ${templateDir} has no readable ${TEMPLATE_INDEX}; reinstall create-groundwork`,
      { cause: error },
    );
  }
  if (!isTemplateIndex(parsed)) {
    throw new CreateAppError(
      'CREATE_TEMPLATE_BROKEN',
      `${TEMPLATE_INDEX} in ${templateDir} is not { version, files[], executable[] }`,
    );
  }
  return parsed;
}

export async function readTemplateFile(templateDir: string, path: string): Promise<Buffer> {
  try {
    return await readFile(join(templateDir, storedPath(path)));
  } catch (error) {
    throw new CreateAppError(
      'CREATE_TEMPLATE_BROKEN',
      `the packed template lists ${path} but does not hold it; reinstall create-groundwork`,
      { cause: error },
    );
  }
}

function isTemplateIndex(value: unknown): value is TemplateIndex {
  if (typeof value !== 'object' || value === null) return false;
  const { version, files, executable } = value as Record<string, unknown>;
  return typeof version === 'string' && isStringArray(files) && isStringArray(executable);
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
