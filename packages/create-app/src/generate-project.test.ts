import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateProject } from './generate-project.ts';
import type { OptionalService } from './services.ts';
import { BASE_PATH, readBase } from './template-base.ts';
import { MANIFEST_PATH, type TemplateManifest } from './template-manifest.ts';
import type { CreateOptions } from './validate-options.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/template/', import.meta.url));

let workDir: string;
beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'create-groundwork-'));
});
afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

function options(overrides: Partial<CreateOptions> = {}): CreateOptions {
  return {
    targetDir: join(workDir, 'my-api'),
    name: 'my-api',
    scope: 'acme',
    services: ['identity', 'orders', 'worker'],
    git: false,
    force: false,
    ...overrides,
  };
}

const read = (path: string) => readFile(join(workDir, 'my-api', path), 'utf8');

describe('generateProject', () => {
  it('when every service is kept, then scope and name are renamed everywhere and CLI names are kept', async () => {
    await generateProject(options(), FIXTURE);

    expect(JSON.parse(await read('package.json')).name).toBe('my-api');
    expect(JSON.parse(await read('apps/gateway/package.json'))).toMatchObject({
      name: '@acme/gateway',
      scripts: { dev: 'node --conditions=@acme/source src/main.ts' },
      dependencies: { '@acme/errors': '*' },
    });
    expect(await read('apps/gateway/src/app.ts')).toBe(
      [
        "import { AppError } from '@acme/errors';",
        '',
        '/** The my-api API: one title for every service. */',
        "export const title = 'The my-api API';",
        "export const databaseUrl = 'postgresql://postgres@127.0.0.1:5432/my_api_orders';",
        "export const myApiTestServices = new AppError('MyApiReady');",
        '',
      ].join('\n'),
    );
    const readme = await read('README.md');
    expect(readme).toContain('# my-api');
    expect(readme).toContain('`npm create groundwork@latest my-api`');
    expect(readme).toContain('`create-groundwork` and records `.groundwork/template.json`');
    expect(readme).toContain('`my_api_orders` and `my_api_identity`');
    expect(readme).toContain('`MY_API_SCHEMA_ENGINE`');
    expect(await read('docker-compose.yml')).toContain('image: my-api/orders:');
    expect(await read('docker-compose.yml')).toContain('5432/my_api_orders');
  });

  it('when every service is kept, then no file outside the CLI names still says groundwork', async () => {
    await generateProject(options(), FIXTURE);

    for (const path of await listFiles(join(workDir, 'my-api'))) {
      if (path === 'docs/logo.bin' || path === MANIFEST_PATH) continue;
      const leftovers = (await read(path))
        .replace(/create-groundwork|create groundwork|\.groundwork\//g, '')
        .match(/groundwork/gi);
      expect({ path, leftovers }).toEqual({ path, leftovers: null });
    }
  });

  it('when the rename changes import order and line length, then the template biome.json formats the file', async () => {
    const name = 'a-very-long-project-name';
    await generateProject(options({ name, targetDir: join(workDir, 'my-api') }), FIXTURE);

    expect(await read('apps/gateway/src/errors.ts')).toBe(
      [
        '// The rename moves @acme/errors before @clack/prompts and makes this line longer.',
        '',
        "import { commonErrors } from '@acme/errors';",
        "import { isCancel } from '@clack/prompts';",
        '',
        'export const describeAVeryLongProjectName = () => ({',
        '  isCancel,',
        '  commonErrors,',
        `  name: '${name}',`,
        '});',
        '',
      ].join('\n'),
    );
  });

  it('when a project is generated, then it passes a Biome format and import-order check as written', async () => {
    await generateProject(options(), FIXTURE);

    const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
    const check = spawnSync(
      process.execPath,
      [biome, 'check', '--linter-enabled=false', '--vcs-enabled=false', '.'],
      { cwd: join(workDir, 'my-api'), encoding: 'utf8' },
    );
    expect({ status: check.status, output: check.stdout + check.stderr }).toEqual({
      status: 0,
      output: expect.stringMatching(/^Checked \d+ files in \d+ms\. No fixes applied\.\n$/),
    });
  });

  it('when files are packed under npm-safe names, then they are restored with their modes', async () => {
    await generateProject(options(), FIXTURE);

    expect(await read('.gitignore')).toBe('node_modules/\ndist/\n');
    expect((await stat(join(workDir, 'my-api/.ci/run'))).mode & 0o777).toBe(0o755);
    expect((await stat(join(workDir, 'my-api/README.md'))).mode & 0o111).toBe(0);
  });

  it('when a file is binary, then it is copied byte for byte, not renamed', async () => {
    await generateProject(options(), FIXTURE);

    const generated = await readFile(join(workDir, 'my-api/docs/logo.bin'));
    expect(generated.equals(await readFile(join(FIXTURE, 'docs/logo.bin')))).toBe(true);
  });

  it('when orders and worker are not chosen, then their folders and every mechanical reference go', async () => {
    const project = await generateProject(options({ services: ['identity'] }), FIXTURE);

    expect(project.removedServices).toEqual<OptionalService[]>(['orders', 'worker']);
    const files = await listFiles(join(workDir, 'my-api'));
    expect(files.filter((path) => /apps\/(orders|worker)\/|base\/orders\//.test(path))).toEqual([]);
    expect(files).toContain('apps/identity/package.json');
    expect(files).toContain('apps/gateway/src/app.ts');
    expect(JSON.parse(await read('e2e/package.json'))).toMatchObject({
      scripts: { test: 'vitest run' },
      devDependencies: {
        '@acme/gateway': '*',
        '@acme/identity': '*',
        '@acme/orders-client': '*',
      },
    });
    expect(JSON.parse(await read('e2e/package.json')).scripts.seed).toBeUndefined();
    expect(
      JSON.parse(await read('e2e/package.json')).devDependencies['@acme/orders'],
    ).toBeUndefined();
    expect(JSON.parse(await read('package.json')).scripts).toEqual({ test: 'turbo run test' });
    const kustomization = await read('infra/k8s/base/kustomization.yaml');
    expect(kustomization).toContain('  - identity\n');
    expect(kustomization).not.toMatch(/- orders|- worker|my-api\/orders|my-api\/worker/);
    expect(Object.keys(JSON.parse(await read('package-lock.json')).packages)).toEqual([
      '',
      'apps/gateway',
      'node_modules/@acme/gateway',
    ]);
    expect(await read('docker-compose.yml')).toBe('services:\n');
  });

  it('when a project is generated, then the manifest records the version, options and the sha256 of every file', async () => {
    await generateProject(options({ services: ['orders'] }), FIXTURE);

    const manifest = JSON.parse(await read(MANIFEST_PATH)) as TemplateManifest;
    expect(manifest.templateVersion).toBe('1.2.3');
    expect(manifest.options).toEqual({
      name: 'my-api',
      scope: 'acme',
      services: ['orders'],
      git: false,
    });
    const onDisk = (await listFiles(join(workDir, 'my-api'))).filter(
      (p) => p !== MANIFEST_PATH && p !== BASE_PATH,
    );
    expect(Object.keys(manifest.files)).toEqual(onDisk.sort());
    for (const path of onDisk) {
      const content = await readFile(join(workDir, 'my-api', path));
      expect(manifest.files[path]).toBe(createHash('sha256').update(content).digest('hex'));
    }
    // The base of a later upgrade: every file as generated, byte for byte, with its mode.
    const base = await readBase(join(workDir, 'my-api'));
    expect([...base.keys()]).toEqual(onDisk.sort());
    for (const path of onDisk) {
      expect(base.get(path)?.content).toEqual(await readFile(join(workDir, 'my-api', path)));
    }
    expect(base.get('.ci/run')?.executable).toBe(true);
    expect(base.get('README.md')?.executable).toBe(false);
  });

  it('when the template breaks after some files were written, then neither the target nor a temp folder is left', async () => {
    const broken = join(workDir, 'broken-template');
    await cp(FIXTURE, broken, { recursive: true });
    await rm(join(broken, 'package.json')); // the last file listed: everything before it is written
    const target = join(workDir, 'nested/deeper/my-api');

    await expect(generateProject(options({ targetDir: target }), broken)).rejects.toMatchObject({
      code: 'CREATE_TEMPLATE_BROKEN',
      message:
        'the packed template lists package.json but does not hold it; reinstall create-groundwork',
    });
    expect((await readdir(workDir)).sort()).toEqual(['broken-template']);
  });

  it('when the target has files and no --force, then it is refused and nothing is written', async () => {
    const target = join(workDir, 'my-api');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'mine');

    await expect(generateProject(options(), FIXTURE)).rejects.toMatchObject({
      code: 'CREATE_TARGET_NOT_EMPTY',
      message: `${target} is not empty; choose another directory or pass --force`,
    });
    expect(await readdir(target)).toEqual(['notes.txt']);
    expect(await readdir(workDir)).toEqual(['my-api']);
  });

  it('when the target has files and --force, then the project is written over it and other files stay', async () => {
    const target = join(workDir, 'my-api');
    await mkdir(target);
    await writeFile(join(target, 'notes.txt'), 'mine');
    await writeFile(join(target, 'README.md'), 'old');

    await generateProject(options({ force: true }), FIXTURE);

    expect(await read('notes.txt')).toBe('mine');
    expect(await read('README.md')).toContain('# my-api');
    expect(await readdir(workDir)).toEqual(['my-api']);
  });

  it('when the target is an empty folder, then the project takes its place', async () => {
    await mkdir(join(workDir, 'my-api'));

    await generateProject(options(), FIXTURE);

    expect(await read('package.json')).toContain('"name": "my-api"');
    expect(await readdir(workDir)).toEqual(['my-api']);
  });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}
