import { execFileSync } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isTemplatePath, packTemplate } from './pack-template.ts';
import { readTemplateIndex } from './template-index.ts';

let repo: string;
let out: string;
beforeEach(async () => {
  const root = await mkdtemp(join(tmpdir(), 'pack-template-'));
  repo = join(root, 'repo');
  out = join(root, 'out');
});
afterEach(async () => {
  await rm(dirname(repo), { recursive: true, force: true });
});

async function put(path: string, content = path): Promise<void> {
  await mkdir(dirname(join(repo, path)), { recursive: true });
  await writeFile(join(repo, path), content);
}

const git = (...args: string[]) =>
  execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: repo,
    stdio: 'ignore',
  });

function commitAll(): void {
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'template');
}

describe('isTemplatePath', () => {
  it.each([
    ['package.json', true],
    ['.env.example', true],
    ['apps/orders/src/domain/order.ts', true],
    ['packages/create-app/src/cli.ts', false],
    ['packages/errors/dist/index.js', false],
    ['apps/orders/node_modules/x/index.js', false],
    ['apps/orders/src/generated/prisma/client.ts', false],
    ['.turbo/cache.json', false],
    ['.env', false],
    ['apps/orders/.env.local', false],
    ['packages/db/tsconfig.tsbuildinfo', false],
  ])('when the path is %s, then packing it is %s', (path, packed) => {
    expect(isTemplatePath(path)).toBe(packed);
  });
});

describe('packTemplate', () => {
  it('when a repository is packed, then its committed template files go in, under npm-safe names, with modes and version', async () => {
    await put('.gitignore', 'node_modules/\ndist/\n');
    await put('package.json', '{}');
    await put('package-lock.json', '{}');
    await put('biome.json', '{}');
    await put('apps/orders/.npmrc', 'x');
    await put('apps/orders/src/main.ts');
    await put('apps/orders/dist/main.js');
    await put('node_modules/left-pad/index.js');
    await put('apps/orders/src/generated/client.ts');
    await put('packages/create-app/src/cli.ts');
    await put('.env', 'SECRET=1');
    await put('.ci/run', '#!/bin/sh\n');
    await chmod(join(repo, '.ci/run'), 0o755);
    commitAll();

    const index = await packTemplate({ repoRoot: repo, outDir: out, version: '2.0.0' });

    const expected = [
      '.ci/run',
      '.gitignore',
      'apps/orders/.npmrc',
      'apps/orders/src/main.ts',
      'biome.json',
      'package-lock.json',
      'package.json',
    ];
    expect(index).toEqual({ version: '2.0.0', files: expected, executable: ['.ci/run'] });
    expect(await readTemplateIndex(out)).toEqual(index);
    expect(await listFiles(out)).toEqual([
      '.ci/run',
      '_biome.json',
      '_gitignore',
      '_package-lock.json',
      'apps/orders/_npmrc',
      'apps/orders/src/main.ts',
      'package.json',
      'template-index.json',
    ]);
    expect(await readFile(join(out, '_gitignore'), 'utf8')).toBe('node_modules/\ndist/\n');
  });

  it('when the checkout has uncommitted edits, new and deleted files, then the committed tree is packed', async () => {
    await put('edited.ts', 'committed');
    await put('deleted.ts', 'committed');
    commitAll();
    await put('edited.ts', 'half-edited {');
    await rm(join(repo, 'deleted.ts'));
    await put('untracked.ts', 'new');

    const index = await packTemplate({ repoRoot: repo, outDir: out, version: '1.0.0' });

    expect(index.files).toEqual(['deleted.ts', 'edited.ts']);
    expect(await readFile(join(out, 'edited.ts'), 'utf8')).toBe('committed');
    expect(await readFile(join(out, 'deleted.ts'), 'utf8')).toBe('committed');
  });

  it('when packed again, then files from the previous pack are gone', async () => {
    await put('a.txt');
    commitAll();
    await packTemplate({ repoRoot: repo, outDir: out, version: '1.0.0' });
    git('rm', '-q', 'a.txt');
    await put('b.txt');
    git('add', 'b.txt');
    git('commit', '-q', '-m', 'next');

    await packTemplate({ repoRoot: repo, outDir: out, version: '1.0.1' });

    expect(await listFiles(out)).toEqual(['b.txt', 'template-index.json']);
    expect((await stat(join(out, 'b.txt'))).isFile()).toBe(true);
  });

  it('when a file would be stored under the name of another, then packing is refused', async () => {
    await put('.gitignore', '');
    await put('_gitignore', '');
    commitAll();

    await expect(packTemplate({ repoRoot: repo, outDir: out, version: '1.0.0' })).rejects.toThrow(
      'template: .gitignore is packed as _gitignore, which the repository also has',
    );
  });
});

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort();
}
