import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NameLookup } from './npm-name-lookup.ts';
import type { CliArgs } from './parse-args.ts';
import { type CreateIo, runCreate } from './run-create.ts';
import { MANIFEST_PATH } from './template-manifest.ts';

const FIXTURE = fileURLToPath(new URL('../test/fixtures/template/', import.meta.url));

let cwd: string;
let stdout: string[];
let stderr: string[];
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'run-create-'));
  stdout = [];
  stderr = [];
});
afterEach(async () => {
  vi.unstubAllEnvs();
  await rm(cwd, { recursive: true, force: true });
});

function io(prompt?: (args: CliArgs) => Promise<CliArgs>): CreateIo {
  return {
    cwd,
    templateDir: FIXTURE,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
    prompt,
  };
}

describe('runCreate', () => {
  it('when flags alone are given (no terminal), then the project is created and next steps printed', async () => {
    const code = await runCreate(
      ['my-api', '--scope', 'acme', '--services', 'orders', '--no-git'],
      io(),
    );

    expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
    expect(stdout).toEqual([
      'Created my-api (@acme/*) with gateway, orders.',
      'Removed identity, worker: prose in the docs may still name them (create-groundwork README: "Removing services").',
      'Next steps:',
      '  cd my-api',
      '  npm install',
      '  npm run api:check -- --write   # writes docs/api/openapi.json for the services kept',
      '  npm run dev',
    ]);
    expect(await readdir(join(cwd, 'my-api/apps'))).toEqual(['gateway', 'orders']);
    expect(await readdir(join(cwd, 'my-api'))).not.toContain('.git');
  });

  it('when a service is unknown, then exit code 1, one line on stderr, and nothing is created', async () => {
    const code = await runCreate(['my-api', '--services', 'orders,billing'], io());

    expect({ code, stdout, stderr }).toEqual({
      code: 1,
      stdout: [],
      stderr: ['create-groundwork: unknown service billing; choose from identity, orders, worker'],
    });
    expect(await readdir(cwd)).toEqual([]);
  });

  it('when the target is not empty and there is no --force, then it is refused and nothing is written', async () => {
    await mkdir(join(cwd, 'my-api'));
    await writeFile(join(cwd, 'my-api/keep.txt'), 'mine');

    const code = await runCreate(['my-api', '--yes'], io());

    expect(code).toBe(1);
    expect(stderr).toEqual([
      `create-groundwork: ${join(cwd, 'my-api')} is not empty; choose another directory or pass --force`,
    ]);
    expect(await readdir(cwd)).toEqual(['my-api']);
    expect(await readdir(join(cwd, 'my-api'))).toEqual(['keep.txt']);
  });

  it('when a terminal can prompt, then the answers fill what the flags left out', async () => {
    const prompt = vi.fn(async (args: CliArgs) => ({
      ...args,
      dir: 'asked',
      scope: 'acme',
      services: ['orders'],
    }));

    const code = await runCreate(['--no-git'], io(prompt));

    expect(code).toBe(0);
    expect(prompt).toHaveBeenCalledOnce();
    const manifest = JSON.parse(await readFile(join(cwd, 'asked', MANIFEST_PATH), 'utf8'));
    expect(manifest.options).toEqual({
      name: 'asked',
      scope: 'acme',
      services: ['orders'],
      git: false,
    });
  });

  it('when --yes is given, then nothing is asked even in a terminal', async () => {
    const prompt = vi.fn(async (args: CliArgs) => args);

    expect(await runCreate(['my-api', '--yes', '--no-git'], io(prompt))).toBe(0);
    expect(prompt).not.toHaveBeenCalled();
  });

  it('when git is not turned off, then the project is a repository with one commit of every file', async () => {
    vi.stubEnv('GIT_AUTHOR_NAME', 'Test');
    vi.stubEnv('GIT_AUTHOR_EMAIL', 'test@example.com');
    vi.stubEnv('GIT_COMMITTER_NAME', 'Test');
    vi.stubEnv('GIT_COMMITTER_EMAIL', 'test@example.com');

    expect(await runCreate(['my-api', '--yes'], io())).toBe(0);

    const git = (...args: string[]) =>
      execFileSync('git', args, { cwd: join(cwd, 'my-api') })
        .toString()
        .trim();
    expect(git('log', '--format=%s')).toBe('Initial commit from create-groundwork');
    expect(git('status', '--porcelain')).toBe('');
    expect(git('ls-files')).toContain(MANIFEST_PATH);
  });

  it('when --help is given, then usage is printed and nothing is created', async () => {
    expect(await runCreate(['--help'], io())).toBe(0);
    expect(stdout[0]).toMatch(/^Usage: npm create groundwork@latest \[dir\]/);
    expect(await readdir(cwd)).toEqual([]);
  });

  it('when the name is taken on npm, then a one-line warning is printed and the project is still created', async () => {
    const lookupName = vi.fn<NameLookup>(async (name) => (name === 'express' ? 'taken' : 'free'));

    const code = await runCreate(['express', '--no-git'], { ...io(), lookupName });

    expect(code).toBe(0);
    expect(lookupName).toHaveBeenCalledWith('express');
    expect(stderr).toEqual([
      'create-groundwork: warning: "express" is already a package on npm; fine for this private project, but choose another name before publishing it',
    ]);
    expect(await readdir(join(cwd, 'express'))).toContain('package.json');
  });

  it('when the registry cannot say (offline), then no warning and the project is created', async () => {
    const code = await runCreate(['my-api', '--no-git'], {
      ...io(),
      lookupName: async () => 'unknown',
    });

    expect({ code, stderr }).toEqual({ code: 0, stderr: [] });
  });
});
