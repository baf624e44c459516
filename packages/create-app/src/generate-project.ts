import {
  cp,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rename,
  rm,
  rmdir,
  writeFile,
} from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CreateAppError } from './create-app-error.ts';
import { formatProject } from './format-project.ts';
import { projectNaming } from './project-naming.ts';
import { pruneTodo } from './prune-todo.ts';
import { isRemovedPath, pruneServiceReferences } from './remove-services.ts';
import { projectPath, renameText } from './rename-text.ts';
import { OPTIONAL_SERVICES, type OptionalService } from './services.ts';
import { type BaseFile, writeBase } from './template-base.ts';
import { readTemplateFile, readTemplateIndex } from './template-index.ts';
import {
  buildManifest,
  MANIFEST_PATH,
  serializeManifest,
  sha256,
  type TemplateManifest,
} from './template-manifest.ts';
import type { CreateOptions } from './validate-options.ts';

export interface GeneratedProject {
  targetDir: string;
  removedServices: OptionalService[];
  manifest: TemplateManifest;
}

type TargetState = 'missing' | 'empty' | 'not-empty';

/**
 * Writes a new project from a packed template: drops the services not chosen, renames scope and
 * name, formats with the template's biome.json, records `.groundwork/template.json` and the
 * generated files themselves (the base of a later `upgrade`), and only then moves the result into
 * place. Every file is written into a temporary folder beside the target, so a failure part way
 * leaves neither the target nor the temporary folder behind.
 *
 * @example
 * const options = validateOptions(parseCliArgs(['my-api', '--services', 'orders']), process.cwd());
 * await generateProject(options, templateDir);
 */
export async function generateProject(
  options: CreateOptions,
  templateDir: string,
): Promise<GeneratedProject> {
  const state = await targetState(options.targetDir);
  if (state === 'not-empty' && !options.force) {
    throw new CreateAppError(
      'CREATE_TARGET_NOT_EMPTY',
      `${options.targetDir} is not empty; choose another directory or pass --force`,
    );
  }
  const index = await readTemplateIndex(templateDir);
  const parent = dirname(options.targetDir);
  // mkdir reports the first folder it had to create, which is what a failure must take back.
  const createdParent = await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(options.targetDir)}-creating-`));
  try {
    const manifest = await writeProject(staging, options, templateDir, index);
    await moveIntoPlace(staging, options.targetDir, state);
    return {
      targetDir: options.targetDir,
      removedServices: removedServices(options),
      manifest,
    };
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    if (createdParent !== undefined) await rm(createdParent, { recursive: true, force: true });
    throw error;
  }
}

async function writeProject(
  staging: string,
  options: CreateOptions,
  templateDir: string,
  index: { version: string; files: string[]; executable: string[] },
): Promise<TemplateManifest> {
  const removed = removedServices(options);
  const naming = projectNaming(options.name, options.scope);
  const executable = new Set(index.executable);
  const written: string[] = [];
  for (const path of index.files) {
    if (isRemovedPath(path, removed)) continue;
    const content = transform(path, await readTemplateFile(templateDir, path), removed, naming);
    const inProject = projectPath(path, naming);
    const destination = join(staging, inProject);
    await mkdir(dirname(destination), { recursive: true });
    await writeFile(destination, content, { mode: executable.has(path) ? 0o755 : 0o644 });
    written.push(inProject);
  }
  await pruneTodoFile(staging, written, removed);
  await formatProject(staging);
  // Hashes and base copies of the files as the project receives them: after formatting.
  const hashes = new Map<string, string>();
  const base = new Map<string, BaseFile>();
  for (const path of written) {
    const content = await readFile(join(staging, path));
    hashes.set(path, sha256(content));
    base.set(path, { content, executable: executable.has(path) });
  }
  const manifest = buildManifest(index.version, options, hashes);
  await mkdir(join(staging, dirname(MANIFEST_PATH)), { recursive: true });
  await writeBase(staging, base);
  await writeFile(join(staging, MANIFEST_PATH), serializeManifest(manifest));
  // The manifest is a file of the project too, so it is formatted like the rest.
  await formatProject(staging, [MANIFEST_PATH]);
  return manifest;
}

/** The TODO file lists only what this project holds: see prune-todo.ts for the rule. */
async function pruneTodoFile(
  staging: string,
  written: readonly string[],
  removed: OptionalService[],
): Promise<void> {
  if (!written.includes(TODO_FILE)) return;
  const testSources = await Promise.all(
    written
      .filter((path) => path.endsWith('.test.ts'))
      .map((path) => readFile(join(staging, path), 'utf8')),
  );
  const todoPath = join(staging, TODO_FILE);
  const text = await readFile(todoPath, 'utf8');
  await writeFile(todoPath, pruneTodo(text, removed, { files: new Set(written), testSources }));
}

const TODO_FILE = 'TODO_backend-architect.md';

function transform(
  path: string,
  content: Buffer,
  removed: OptionalService[],
  naming: ReturnType<typeof projectNaming>,
): Buffer {
  // Binary files (a NUL byte is the usual tell) are copied as they are.
  if (content.includes(0)) return content;
  const text = pruneServiceReferences(path, content.toString('utf8'), removed);
  return Buffer.from(renameText(text, naming), 'utf8');
}

function removedServices(options: CreateOptions): OptionalService[] {
  return OPTIONAL_SERVICES.filter((service) => !options.services.includes(service));
}

async function targetState(dir: string): Promise<TargetState> {
  try {
    return (await readdir(dir)).length === 0 ? 'empty' : 'not-empty';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

async function moveIntoPlace(staging: string, target: string, state: TargetState): Promise<void> {
  if (state === 'empty') await rmdir(target);
  if (state !== 'not-empty') {
    // One rename: the project appears whole or not at all.
    await rename(staging, target);
    return;
  }
  // --force into a folder with files: merge over them (not atomic; the user asked for it).
  await cp(staging, target, { recursive: true, force: true });
  await rm(staging, { recursive: true, force: true });
}
