import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { serviceFiles } from './service-files.ts';
import { nextFreePort, serviceNameProblem, serviceNames } from './service-names.ts';
import { serviceWiring, WiringError } from './service-wiring.ts';

const run = promisify(execFile);

export interface GeneratedService {
  readonly created: string[];
  readonly edited: string[];
  /** Optional wirings left to do by hand, each with why. */
  readonly skipped: string[];
}

/**
 * Adds the service `name` to the repository at `root`: its workspace and manifests (its OpenAPI
 * document for `npm run api:check` among them), and the wiring into the gateway, the API check,
 * compose and kustomize. Everything is computed first, so a name that is
 * taken or a file that changed shape stops it before anything is written; then Biome formats and
 * sorts what was written, as `npm run lint` expects.
 *
 * @example
 * await generateService('/path/to/repo', 'payments');
 */
export async function generateService(
  root: string,
  name: string,
  now: Date = new Date(),
): Promise<GeneratedService> {
  const apps = await readdir(join(root, 'apps'));
  const problem = serviceNameProblem(name, apps);
  if (problem !== undefined) throw new Error(problem);
  const configs = await Promise.all(
    apps.map((app) => readFile(join(root, 'apps', app, 'src/config.ts'), 'utf8').catch(() => '')),
  );
  const names = serviceNames(name, nextFreePort(configs));

  const created = serviceFiles(names, migrationStamp(now));
  const edited = new Map<string, string>();
  const skipped: string[] = [];
  for (const edit of serviceWiring(names)) {
    const text = await readFile(join(root, edit.path), 'utf8').catch(() => undefined);
    try {
      if (text === undefined) throw new WiringError(edit.path, 'the file');
      edited.set(edit.path, edit.apply(text));
    } catch (error) {
      if (!(edit.optional && error instanceof WiringError)) throw error;
      skipped.push(error.message);
    }
  }
  for (const path of created.keys()) {
    if (await exists(join(root, path))) throw new Error(`${path} exists already`);
  }

  for (const [path, content] of [...created, ...edited]) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  const typescript = [...created.keys(), ...edited.keys()].filter((path) => path.endsWith('.ts'));
  const manifests = [...edited.keys()].filter((path) => path.endsWith('package.json'));
  await format(root, [...typescript, `apps/${name}/package.json`, ...manifests]);
  return { created: [...created.keys()], edited: [...edited.keys()], skipped };
}

/** Prisma's folder name for a migration made now: 20261127103000. */
function migrationStamp(now: Date): string {
  return now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
}

async function format(root: string, paths: readonly string[]): Promise<void> {
  const biome = createRequire(join(root, 'package.json')).resolve('@biomejs/biome/bin/biome');
  await run(process.execPath, [biome, 'check', '--write', '--linter-enabled=false', ...paths], {
    cwd: root,
  });
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
