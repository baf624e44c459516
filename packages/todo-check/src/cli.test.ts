import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const packageFolder = fileURLToPath(new URL('..', import.meta.url));

/** Runs src/cli.ts in a real Node process, exactly as `npm run todo:check` does. */
function cli(args: string[]) {
  return spawnSync(process.execPath, ['--conditions=@groundwork/source', 'src/cli.ts', ...args], {
    cwd: packageFolder,
    encoding: 'utf8',
  });
}

describe('todo-check CLI', () => {
  test('when run against the real TODO_backend-architect.md, then it exits 0 and prints its counts', () => {
    const result = cli(['../../TODO_backend-architect.md']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(
      /^TODO_backend-architect\.md: \d+ of \d+ items checked \(\d+ not applicable\)\n$/,
    );
  });

  test('when the checklist has a problem, then the process exits 1 and reports it on stderr', () => {
    const root = mkdtempSync(join(tmpdir(), 'todo-check-cli-'));
    try {
      writeFileSync(join(root, 'package.json'), '{ "workspaces": [] }');
      writeFileSync(join(root, 'TODO.md'), '- [x] **OPS-1** Health\n  Evidence: `gone.ts`\n');
      const result = cli([join(root, 'TODO.md')]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('TODO.md:2: OPS-1: evidence path `gone.ts` does not exist\n');
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
