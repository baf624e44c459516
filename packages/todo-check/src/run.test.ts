import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { runTodoCheck } from './run.ts';

const roots: string[] = [];

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** A throwaway repository: a workspaces package.json, the given files, and TODO.md at its root. */
function fixtureRepo(todo: string[], files: Record<string, string> = {}): string {
  const root = mkdtempSync(join(tmpdir(), 'todo-check-'));
  roots.push(root);
  const all = {
    'package.json': JSON.stringify({ workspaces: ['apps/*', 'packages/*'] }),
    'TODO.md': `${todo.join('\n')}\n`,
    ...files,
  };
  for (const [path, content] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
  return root;
}

/** Runs the checker from `cwd` and captures what a terminal would show. */
function run(args: string[], cwd: string): { code: number; stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = runTodoCheck(args, {
    cwd,
    stdout: (line) => stdout.push(line),
    stderr: (line) => stderr.push(line),
  });
  return { code, stdout, stderr };
}

const HEALTH_TEST = "test('when Postgres is down, then ready answers 503', () => {});\n";

describe('runTodoCheck', () => {
  test('when every checked item has existing evidence, then it exits 0 and prints the counts', () => {
    const root = fixtureRepo(
      [
        '# Checklist',
        '- [x] **OPS-1** Health checks',
        '  Evidence: `packages/kit/src/health.ts`; test: "when Postgres is down, then ready answers 503"',
        '- [ ] **OPS-2** Alerts',
        '  Evidence: planned (#8): `infra/observability/alerts.yaml`; test: "when error rate > 1%, then it fires"',
        '- [-] **OPS-3** Gunicorn workers',
        '  Evidence: N/A — Python only',
        '1. **Next: alerting rules**',
        '   Covers: OPS-2',
      ],
      { 'packages/kit/src/health.ts': '', 'packages/kit/src/health.test.ts': HEALTH_TEST },
    );
    expect(run(['TODO.md'], root)).toEqual({
      code: 0,
      stdout: ['TODO.md: 1 of 2 items checked (1 not applicable)'],
      stderr: [],
    });
  });

  test('when run from a package folder, then it prints the checklist path relative to the repo root', () => {
    const root = fixtureRepo([], {
      'docs/TODO.md': '- [ ] **A-1** a\n  Evidence: planned (#2): x\n',
    });
    mkdirSync(join(root, 'packages/tool'), { recursive: true });
    expect(run(['../../docs/TODO.md'], join(root, 'packages/tool')).stdout).toEqual([
      'docs/TODO.md: 0 of 1 items checked (0 not applicable)',
    ]);
  });

  test('when a checked item names a path that does not exist, then it exits 1 naming the item', () => {
    const root = fixtureRepo([
      '- [x] **OPS-1** Health',
      '  Evidence: `packages/kit/src/health.ts`',
    ]);
    expect(run(['TODO.md'], root)).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        'TODO.md:2: OPS-1: evidence path `packages/kit/src/health.ts` does not exist',
        'TODO.md: 1 problem; 1 of 1 items checked (0 not applicable)',
      ],
    });
  });

  test('when a checked item names a test title that no test file declares, then it exits 1 naming the item', () => {
    const root = fixtureRepo(
      [
        '- [x] **OPS-1** Health',
        '  Evidence: test: "when Postgres is down, then ready answers 503"',
      ],
      {
        // The title appears, but only in a comment, a skipped test and a non-test file.
        'packages/kit/src/health.test.ts':
          "// test('when Postgres is down, then ready answers 503')\ntest.skip('when Postgres is down, then ready answers 503', () => {});\n",
        'packages/kit/src/health.ts': HEALTH_TEST,
        'packages/kit/node_modules/x/y.test.ts': HEALTH_TEST,
        'packages/kit/dist/health.test.ts': HEALTH_TEST,
      },
    );
    const { code, stderr } = run(['TODO.md'], root);
    expect(code).toBe(1);
    expect(stderr[0]).toBe(
      'TODO.md:2: OPS-1: evidence test "when Postgres is down, then ready answers 503" is not a test title in any workspace\'s *.test.ts',
    );
  });

  test('when the test title lives in an integration test under apps, then it counts', () => {
    const root = fixtureRepo(
      [
        '- [x] **OPS-1** Health',
        '  Evidence: test: "when Postgres is down, then ready answers 503"',
      ],
      { 'apps/orders/src/http/health.int.test.ts': HEALTH_TEST },
    );
    expect(run(['TODO.md'], root).code).toBe(0);
  });

  test('when a checked item has no evidence, then it exits 1 naming the item', () => {
    const root = fixtureRepo([
      '- [x] **OPS-1** Health',
      '  Evidence: done, trust me',
      '- [x] **OPS-2** Metrics',
    ]);
    expect(run(['TODO.md'], root).stderr.slice(0, 2)).toEqual([
      'TODO.md:2: OPS-1: checked item has no evidence: name a `path` or a "test title"',
      'TODO.md:3: OPS-2: has no Evidence line (write "  Evidence: ..." on the line right after the item)',
    ]);
  });

  test('when a checked item still cites planned evidence, then it exits 1', () => {
    const root = fixtureRepo(['- [x] **OPS-1** Health', '  Evidence: planned (#2): `TODO.md`']);
    expect(run(['TODO.md'], root).stderr[0]).toBe(
      'TODO.md:2: OPS-1: checked item\'s Evidence still reads "planned": cite what exists',
    );
  });

  test('when an ID repeats, then it exits 1 naming the ID and the first line', () => {
    const root = fixtureRepo([
      '- [ ] **OPS-1** Health',
      '  Evidence: planned (#2): health',
      '- [ ] **OPS-1** Metrics',
      '  Evidence: planned (#8): metrics',
    ]);
    expect(run(['TODO.md'], root).stderr[0]).toBe('TODO.md:3: OPS-1: ID repeats line 1');
  });

  test('when an item line is malformed, then it exits 1 with the line number', () => {
    const root = fixtureRepo([
      '# Checklist',
      '',
      '- [X] **OPS-1** Health',
      '  Evidence: `TODO.md`',
    ]);
    expect(run(['TODO.md'], root).stderr.slice(0, 2)).toEqual([
      'TODO.md:3: malformed item line: the box must be [ ], [x] or [-]',
      'TODO.md:4: Evidence line does not directly follow an item line (or is not indented by 2 spaces)',
    ]);
  });

  test('when open or not-applicable Evidence breaks its form, then each is reported', () => {
    const root = fixtureRepo([
      '- [ ] **OPS-1** Health',
      '  Evidence: `packages/kit/src/health.ts`',
      '- [-] **OPS-2** Gunicorn',
      '  Evidence: N/A',
    ]);
    expect(run(['TODO.md'], root).stderr.slice(0, 2)).toEqual([
      'TODO.md:2: OPS-1: an open item\'s Evidence reads "planned (#<issue>): <what will prove it>"',
      'TODO.md:4: OPS-2: a not-applicable item\'s Evidence reads "N/A — <reason>"',
    ]);
  });

  test('when an unchecked item plans a path that does not exist yet, then that is no problem', () => {
    const root = fixtureRepo([
      '- [ ] **OPS-1** Health',
      '  Evidence: planned (#2): `packages/kit/src/health.ts`; test: "when x, then y"',
    ]);
    expect(run(['TODO.md'], root).code).toBe(0);
  });

  test('when Covers names an unknown or a checked item, then it exits 1', () => {
    const root = fixtureRepo([
      '- [x] **OPS-1** Health',
      '  Evidence: `TODO.md`',
      '1. **Next change**',
      '   Covers: OPS-1, OPS-9',
    ]);
    expect(run(['TODO.md'], root).stderr.slice(0, 2)).toEqual([
      'TODO.md:4: OPS-1: Covers names an item that is checked: a proposed change only covers open items',
      'TODO.md:4: OPS-9: Covers names an item that does not exist',
    ]);
  });

  test('when the file is missing or no file is given, then it exits 2 with usage', () => {
    const root = fixtureRepo([]);
    expect(run(['MISSING.md'], root).code).toBe(2);
    expect(run([], root)).toMatchObject({
      code: 2,
      stderr: expect.arrayContaining([expect.stringMatching(/^usage:/)]),
    });
  });

  test('when --root is given, then evidence paths resolve against it', () => {
    const root = fixtureRepo([], {
      'docs/TODO.md': '- [x] **OPS-1** Health\n  Evidence: `src/health.ts`\n',
      'docs/src/health.ts': '',
    });
    expect(run(['--root', 'docs', 'docs/TODO.md'], root)).toMatchObject({
      code: 0,
      stdout: ['TODO.md: 1 of 1 items checked (0 not applicable)'],
    });
  });
});
