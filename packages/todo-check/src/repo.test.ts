import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { readRepo } from './repo.ts';

function repoWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'todo-check-repo-'));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

describe('readRepo', () => {
  test('when the root declares workspaces, then tests count in each of them and nowhere else', () => {
    const root = repoWith({
      'package.json': JSON.stringify({ workspaces: ['apps/*', 'e2e'] }),
      'apps/a/src/a.test.ts': "test('when a, then a', () => {});",
      'e2e/src/journey.int.test.ts': "test('when the journey runs, then it ends', () => {});",
      'scripts/loose.test.ts': "test('when loose, then ignored', () => {});",
    });

    expect([...readRepo(root).testTitles].sort()).toEqual([
      'when a, then a',
      'when the journey runs, then it ends',
    ]);
  });
});
