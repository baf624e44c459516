import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { hashDirectory } from './hash-directory.ts';

describe('hashDirectory', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  function migrations(files: Record<string, string>): string {
    const dir = mkdtempSync(join(tmpdir(), 'gw-hash-'));
    dirs.push(dir);
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(dir, path, '..'), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    return dir;
  }

  test('when two folders hold the same files, then the hashes are equal', async () => {
    const files = {
      '001_init/migration.sql': 'create table a ();',
      '002_b/migration.sql': 'create table b ();',
    };

    expect(await hashDirectory(migrations(files))).toBe(await hashDirectory(migrations(files)));
  });

  test('when a migration is edited, added or renamed, then the hash changes', async () => {
    const base = await hashDirectory(migrations({ '001/migration.sql': 'create table a ();' }));

    const variants = await Promise.all([
      hashDirectory(migrations({ '001/migration.sql': 'create table a (id int);' })),
      hashDirectory(
        migrations({ '001/migration.sql': 'create table a ();', '002/migration.sql': '' }),
      ),
      hashDirectory(migrations({ '002/migration.sql': 'create table a ();' })),
    ]);

    expect(new Set([base, ...variants]).size).toBe(4);
  });
});
