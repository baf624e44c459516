import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A hex SHA-256 over every file below `dir` (relative paths and contents, in a fixed order):
 * a template version that changes exactly when a migration is added or edited.
 *
 * @example
 * ```ts
 * const version = await hashDirectory(new URL('../prisma/migrations', import.meta.url));
 * ```
 */
export async function hashDirectory(dir: string | URL): Promise<string> {
  const root = typeof dir === 'string' ? dir : fileURLToPath(dir);
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort();
  const hash = createHash('sha256');
  for (const file of files) {
    hash.update(`${file}\0`);
    hash.update(await readFile(join(root, file)));
    hash.update('\0');
  }
  return hash.digest('hex');
}
