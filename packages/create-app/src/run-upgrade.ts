import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CreateAppError } from './create-app-error.ts';
import { generateProject } from './generate-project.ts';
import { isOptionalService } from './services.ts';
import { BASE_PATH, readBase } from './template-base.ts';
import { MANIFEST_PATH, type TemplateManifest } from './template-manifest.ts';
import { openTemplateSource } from './template-source.ts';
import { applyChanges, type FileChange } from './upgrade-apply.ts';
import { parseUpgradeArgs, UPGRADE_USAGE } from './upgrade-args.ts';
import { ACTION_KINDS, countActions, planUpgrade, type UpgradeAction } from './upgrade-plan.ts';

export interface UpgradeIo {
  cwd: string;
  /** The template packed in the running CLI: the default upgrade target. */
  templateDir: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
}

/**
 * The whole `create-groundwork upgrade` command, in process. Regenerates the project's files with
 * the new template and the recorded options, three-way merges them with the project against the
 * stored base, and applies the result all at once (or, with --dry-run, only prints it). Returns the
 * exit code: 1 when conflicts remain or on a refusal.
 *
 * @example
 * const code = await runUpgrade(['--dry-run'], { cwd, templateDir, stdout, stderr });
 */
export async function runUpgrade(argv: readonly string[], io: UpgradeIo): Promise<number> {
  try {
    const args = parseUpgradeArgs(argv);
    if (args.help) {
      io.stdout(UPGRADE_USAGE);
      return 0;
    }
    const projectDir = resolve(io.cwd, args.dir ?? '.');
    const manifest = await readManifest(projectDir);
    const base = await readBase(projectDir);
    const source =
      args.fromTemplate === undefined
        ? { templateDir: io.templateDir, dispose: async () => {} }
        : await openTemplateSource(args.fromTemplate, io.cwd);
    const scratch = await mkdtemp(join(tmpdir(), 'groundwork-upgrade-'));
    try {
      const upstream = await generateUpstream(manifest, source.templateDir, join(scratch, 'p'));
      const actions = await planUpgrade({
        base,
        upstream: upstream.files,
        readLocal: (path) => readLocal(projectDir, path),
        labels: { fromVersion: manifest.templateVersion, toVersion: upstream.version },
      });
      report(io, manifest.templateVersion, upstream.version, actions, args.dryRun);
      if (!args.dryRun) {
        await applyUpgrade(projectDir, actions, upstream.recordFiles);
      }
      return actions.some((action) => action.kind === 'conflicted') ? 1 : 0;
    } finally {
      await rm(scratch, { recursive: true, force: true });
      await source.dispose();
    }
  } catch (error) {
    if (!(error instanceof CreateAppError)) throw error;
    io.stderr(`create-groundwork upgrade: ${error.message}`);
    return 1;
  }
}

async function readManifest(projectDir: string): Promise<TemplateManifest> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(join(projectDir, MANIFEST_PATH), 'utf8'));
  } catch (error) {
    throw new CreateAppError(
      'UPGRADE_NOT_A_PROJECT',
      `${projectDir} has no readable ${MANIFEST_PATH}; run upgrade in a project made by create-groundwork`,
      { cause: error },
    );
  }
  const manifest = parsed as Partial<TemplateManifest>;
  const options = manifest.options;
  if (
    typeof manifest.templateVersion !== 'string' ||
    typeof options?.name !== 'string' ||
    typeof options.scope !== 'string' ||
    !Array.isArray(options.services) ||
    !options.services.every((service) => isOptionalService(service))
  ) {
    throw new CreateAppError(
      'UPGRADE_NOT_A_PROJECT',
      `${MANIFEST_PATH} is not { templateVersion, options: { name, scope, services } }`,
    );
  }
  return manifest as TemplateManifest;
}

/**
 * The new template's output for the recorded options, made by the same code that creates
 * projects, so an untouched project upgrades to exactly what a new one would be.
 */
async function generateUpstream(manifest: TemplateManifest, templateDir: string, dir: string) {
  const project = await generateProject(
    {
      targetDir: dir,
      name: manifest.options.name,
      scope: manifest.options.scope,
      services: manifest.options.services.filter(isOptionalService),
      // Recorded as given; generateProject never runs git itself (runCreate does).
      git: manifest.options.git,
      force: false,
    },
    templateDir,
  );
  const files = await readBase(dir);
  // The record files of the new version, taken as generated: they replace the project's own.
  const recordFiles = await Promise.all(
    [MANIFEST_PATH, BASE_PATH].map(async (path) => ({
      path,
      content: await readFile(join(dir, path)),
    })),
  );
  return { version: project.manifest.templateVersion, files, recordFiles };
}

async function readLocal(projectDir: string, path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(join(projectDir, path));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    if (code === 'EISDIR') {
      throw new CreateAppError(
        'UPGRADE_FAILED',
        `${path} is a folder in the project but a file in the template; move it and run upgrade again`,
      );
    }
    throw error;
  }
}

async function applyUpgrade(
  projectDir: string,
  actions: readonly UpgradeAction[],
  recordFiles: readonly { path: string; content: Buffer }[],
): Promise<void> {
  const changes: FileChange[] = [];
  for (const action of actions) {
    if (action.kind === 'updated' || action.kind === 'added') {
      changes.push({ path: action.path, content: action.content, executable: action.executable });
    } else if (action.kind === 'merged') {
      changes.push({ path: action.path, content: action.content });
    } else if (action.kind === 'conflicted' && action.content !== undefined) {
      changes.push({ path: action.path, content: action.content });
    } else if (action.kind === 'removed') {
      changes.push({ path: action.path, remove: true });
    }
  }
  // Last, so a project whose files did not all land still records the version it came from.
  changes.push(...recordFiles);
  try {
    await applyChanges(projectDir, join(projectDir, '.groundwork'), changes);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CreateAppError(
      'UPGRADE_FAILED',
      `writing the upgrade failed, and the project was left as it was: ${reason}`,
      { cause: error },
    );
  }
}

const NOTES: Partial<Record<UpgradeAction['kind'], string>> = {
  conflicted: 'changed here and upstream in the same lines: resolve the markers',
  'kept-deleted': 'deleted here, changed upstream: left deleted',
  kept: 'changed here, removed upstream: kept',
};

function report(
  io: UpgradeIo,
  from: string,
  to: string,
  actions: readonly UpgradeAction[],
  dryRun: boolean,
): void {
  io.stdout(`Upgrade from template ${from} to ${to}${dryRun ? ' (dry run: nothing written)' : ''}`);
  const width = Math.max(...ACTION_KINDS.map((kind) => kind.length));
  for (const action of actions) {
    let note = NOTES[action.kind];
    if (action.kind === 'conflicted' && action.content === undefined) {
      note = 'binary, changed here and upstream: yours kept, take the upstream one by hand';
    }
    io.stdout(`  ${action.kind.padEnd(width)}  ${action.path}${note ? `  (${note})` : ''}`);
  }
  const counts = countActions(actions);
  io.stdout(`Summary: ${ACTION_KINDS.map((kind) => `${counts[kind]} ${kind}`).join(', ')}`);
  if (counts.conflicted > 0) {
    io.stdout(
      dryRun
        ? `${counts.conflicted} file(s) would conflict.`
        : `${counts.conflicted} file(s) have conflict markers: resolve them, run your checks, commit.`,
    );
  } else if (!dryRun) {
    io.stdout('Review the changes (git diff), run your checks, commit.');
  }
}
