import { execFileSync } from 'node:child_process';
import { appendFile, cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runCreate } from './run-create.ts';
import { runUpgrade, type UpgradeIo } from './run-upgrade.ts';
import { MANIFEST_PATH, sha256, type TemplateManifest } from './template-manifest.ts';

/** Template A is the generation fixture (version 1.2.3); B is made from it in each test. */
const TEMPLATE_A = fileURLToPath(new URL('../test/fixtures/template/', import.meta.url));

let work: string;
let templateB: string;
let project: string;
let stdout: string[];
let stderr: string[];

beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'run-upgrade-'));
  stdout = [];
  stderr = [];
  for (const [name, value] of [
    ['GIT_AUTHOR_NAME', 'Test'],
    ['GIT_AUTHOR_EMAIL', 'test@example.com'],
    ['GIT_COMMITTER_NAME', 'Test'],
    ['GIT_COMMITTER_EMAIL', 'test@example.com'],
  ]) {
    vi.stubEnv(name as string, value as string);
  }
  templateB = await makeTemplateB();
  project = join(work, 'my-api');
  const created = await runCreate(['my-api', '--scope', 'acme', '--yes'], {
    cwd: work,
    templateDir: TEMPLATE_A,
    stdout: () => {},
    stderr: (line) => stderr.push(line),
    prompt: undefined,
  });
  expect({ created, stderr }).toEqual({ created: 0, stderr: [] });
  // The team's edits since creation: one away from the template's change, one on the same line,
  // and a file deleted.
  await appendFile(join(project, 'apps/orders/src/main.ts'), 'export const port = 3002;\n');
  await replaceInFile(
    join(project, 'apps/gateway/src/app.ts'),
    "title = 'The my-api API'",
    "title = 'Our shop API'",
  );
  await rm(join(project, 'docker-compose.yml'));
  git(project, 'commit', '-qam', 'our edits');
});

afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(work, { recursive: true, force: true });
});

/** Version 1.3.0: changes README, orders' header comment, the gateway title and compose, adds a
 * doc, drops the logo. */
async function makeTemplateB(): Promise<string> {
  const dir = join(work, 'template-b');
  await cp(TEMPLATE_A, dir, { recursive: true });
  const index = JSON.parse(await readFile(join(dir, 'template-index.json'), 'utf8'));
  index.version = '1.3.0';
  index.files = [
    ...index.files.filter((path: string) => path !== 'docs/logo.bin'),
    'docs/upgrading.md',
  ];
  await writeFile(join(dir, 'template-index.json'), JSON.stringify(index));
  await rm(join(dir, 'docs/logo.bin'));
  await writeFile(join(dir, 'docs/upgrading.md'), '# Upgrading groundwork\n');
  await appendFile(join(dir, 'README.md'), '\nUpgrade with `npx create-groundwork upgrade`.\n');
  await replaceInFile(
    join(dir, 'apps/orders/src/main.ts'),
    '// The orders service of groundwork.',
    '// The orders service of groundwork: products and orders.',
  );
  await replaceInFile(
    join(dir, 'apps/gateway/src/app.ts'),
    "title = 'The Groundwork API'",
    "title = 'The Groundwork edge'",
  );
  await appendFile(join(dir, 'docker-compose.yml'), '    restart: unless-stopped\n');
  return dir;
}

async function replaceInFile(path: string, from: string, to: string): Promise<void> {
  const text = await readFile(path, 'utf8');
  if (!text.includes(from)) throw new Error(`${path} does not contain ${from}`);
  await writeFile(path, text.replace(from, to));
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8' });
}

function io(): UpgradeIo {
  return {
    cwd: project,
    templateDir: templateB,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  };
}

/** Every file of the project but .git, path → content: what "unchanged" is checked against. */
async function snapshot(dir: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    const path = relative(dir, join(entry.parentPath, entry.name));
    if (path === '.git' || path.startsWith('.git/')) continue;
    files.set(
      path,
      entry.isFile() ? (await readFile(join(dir, path))).toString('base64') : '<dir>',
    );
  }
  return files;
}

describe('runUpgrade', () => {
  it('when the team edited two files and deleted one, then untouched files are updated, the separate edit merged, the same-line edit conflicted, and the report printed', async () => {
    const code = await runUpgrade([], io());

    expect({ code, stderr }).toEqual({ code: 1, stderr: [] });
    expect(stdout).toEqual([
      'Upgrade from template 1.2.3 to 1.3.0',
      '  updated       README.md',
      '  conflicted    apps/gateway/src/app.ts  (changed here and upstream in the same lines: resolve the markers)',
      '  merged        apps/orders/src/main.ts',
      '  kept-deleted  docker-compose.yml  (deleted here, changed upstream: left deleted)',
      '  removed       docs/logo.bin',
      '  added         docs/upgrading.md',
      'Summary: 1 updated, 1 merged, 1 conflicted, 1 added, 1 removed, 1 kept-deleted, 0 kept',
      '1 file(s) have conflict markers: resolve them, run your checks, commit.',
    ]);
    const read = (path: string) => readFile(join(project, path), 'utf8');
    expect(await read('README.md')).toContain('Upgrade with `npx create-groundwork upgrade`.');
    expect(await read('apps/orders/src/main.ts')).toBe(
      "// The orders service of my-api: products and orders.\nexport const name = 'orders';\nexport const port = 3002;\n",
    );
    const gateway = await read('apps/gateway/src/app.ts');
    expect(gateway).toContain(
      "<<<<<<< apps/gateway/src/app.ts (yours)\nexport const title = 'Our shop API';",
    );
    expect(gateway).toContain(
      "||||||| apps/gateway/src/app.ts (template 1.2.3)\nexport const title = 'The my-api API';",
    );
    expect(gateway).toContain(
      "=======\nexport const title = 'The my-api edge';\n>>>>>>> apps/gateway/src/app.ts (template 1.3.0)",
    );
    expect(await read('docs/upgrading.md')).toBe('# Upgrading my-api\n');
    const files = await readdir(project, { recursive: true });
    expect(files).not.toContain('docs/logo.bin');
    expect(files).not.toContain('docker-compose.yml');
    expect(files.filter((path) => path.includes('.upgrade-'))).toEqual([]);

    const manifest = JSON.parse(await read(MANIFEST_PATH)) as TemplateManifest;
    expect(manifest.templateVersion).toBe('1.3.0');
    expect(manifest.options).toEqual({
      name: 'my-api',
      scope: 'acme',
      services: ['identity', 'orders', 'worker'],
      git: true,
    });
    // The record holds the files as 1.3.0 generates them: the base of the next upgrade.
    expect(manifest.files['README.md']).toBe(sha256(await readFile(join(project, 'README.md'))));
    expect(manifest.files['docs/upgrading.md']).toBeDefined();
    expect(manifest.files['docs/logo.bin']).toBeUndefined();
    expect(manifest.files['apps/gateway/src/app.ts']).not.toBe(sha256(Buffer.from(gateway)));
  });

  it('when the upgrade ran and nothing changed upstream since, then a second upgrade has nothing to do', async () => {
    await runUpgrade([], io());
    stdout = [];

    const code = await runUpgrade([], io());

    // The conflict left in app.ts is the team's file now: upstream did not change it again.
    expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
    expect(stdout).toContain(
      'Summary: 0 updated, 0 merged, 0 conflicted, 0 added, 0 removed, 0 kept-deleted, 0 kept',
    );
  });

  it('when --dry-run is given, then the plan is printed, the exit code tells of the conflict, and nothing is written', async () => {
    const before = await snapshot(project);

    const code = await runUpgrade(['--dry-run'], io());

    expect({ code, stderr }).toEqual({ code: 1, stderr: [] });
    expect(stdout[0]).toBe('Upgrade from template 1.2.3 to 1.3.0 (dry run: nothing written)');
    expect(stdout).toContain('  merged        apps/orders/src/main.ts');
    expect(stdout.at(-1)).toBe('1 file(s) would conflict.');
    expect(await snapshot(project)).toEqual(before);
    expect(git(project, 'status', '--porcelain')).toBe('');
  });

  it('when writing fails part way (a file stands where the new template puts a folder), then the project is left exactly as it was', async () => {
    const index = JSON.parse(await readFile(join(templateB, 'template-index.json'), 'utf8'));
    index.files.push('tools/setup.md');
    await writeFile(join(templateB, 'template-index.json'), JSON.stringify(index));
    await cp(join(templateB, 'docs/upgrading.md'), join(templateB, 'tools/setup.md'));
    // Sorts after every other change, so the updates before it were already in place.
    await writeFile(join(project, 'tools'), 'a file of ours\n');
    const before = await snapshot(project);

    const code = await runUpgrade([], io());

    expect(code).toBe(1);
    expect(stderr).toHaveLength(1);
    expect(stderr[0]).toMatch(
      /^create-groundwork upgrade: writing the upgrade failed, and the project was left as it was: /,
    );
    expect(await snapshot(project)).toEqual(before);
  });

  it('when --from-template names an npm pack tarball of the CLI, then the template inside it is the target', async () => {
    const packageDir = join(work, 'package');
    await cp(templateB, join(packageDir, 'template'), { recursive: true });
    const tarball = join(work, 'create-groundwork-1.3.0.tgz');
    execFileSync('tar', ['-czf', tarball, '-C', work, 'package']);

    const code = await runUpgrade(['--dry-run', '--from-template', tarball], {
      ...io(),
      templateDir: TEMPLATE_A,
    });

    expect(code).toBe(1);
    expect(stdout[0]).toBe('Upgrade from template 1.2.3 to 1.3.0 (dry run: nothing written)');
  });

  it('when the directory was not made by create-groundwork, then one line on stderr and exit code 1', async () => {
    const code = await runUpgrade([work], io());

    expect({ code, stdout }).toEqual({ code: 1, stdout: [] });
    expect(stderr).toEqual([
      `create-groundwork upgrade: ${work} has no readable ${MANIFEST_PATH}; run upgrade in a project made by create-groundwork`,
    ]);
  });
});
