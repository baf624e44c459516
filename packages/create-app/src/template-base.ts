import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { CreateAppError } from './create-app-error.ts';

/**
 * Where a project keeps the files exactly as its template version generated them: the base of
 * the three-way merge that `upgrade` does. One gzipped file rather than a folder of copies, so no
 * tool of the project (Biome, tsc, vitest, turbo) ever sees the copies as sources.
 */
export const BASE_PATH = '.groundwork/template-base.json.gz';

/** One generated file: its bytes and whether it was written executable. */
export interface BaseFile {
  content: Buffer;
  executable: boolean;
}

/** Path → file, as one template version generated them for one set of options. */
export type BaseFiles = ReadonlyMap<string, BaseFile>;

interface StoredBase {
  format: 1;
  files: Record<string, { text?: string; base64?: string; executable?: true }>;
}

/** The archive's bytes: text files kept as text (so gzip compresses them well), others base64. */
export function serializeBase(files: BaseFiles): Buffer {
  const stored: StoredBase = { format: 1, files: {} };
  for (const path of [...files.keys()].sort()) {
    const file = files.get(path) as BaseFile;
    const entry: StoredBase['files'][string] = isText(file.content)
      ? { text: file.content.toString('utf8') }
      : { base64: file.content.toString('base64') };
    if (file.executable) entry.executable = true;
    stored.files[path] = entry;
  }
  // mtime 0 in the gzip header (Node's default): the same files give the same bytes.
  return gzipSync(JSON.stringify(stored), { level: 9 });
}

export function parseBase(bytes: Buffer): Map<string, BaseFile> {
  const stored = JSON.parse(gunzipSync(bytes).toString('utf8')) as StoredBase;
  if (stored.format !== 1 || typeof stored.files !== 'object' || stored.files === null) {
    throw new Error(`unknown base archive format ${String(stored.format)}`);
  }
  const files = new Map<string, BaseFile>();
  for (const [path, entry] of Object.entries(stored.files)) {
    const content =
      entry.text !== undefined
        ? Buffer.from(entry.text, 'utf8')
        : Buffer.from(entry.base64 ?? '', 'base64');
    files.set(path, { content, executable: entry.executable === true });
  }
  return files;
}

export async function writeBase(projectDir: string, files: BaseFiles): Promise<void> {
  await writeFile(join(projectDir, BASE_PATH), serializeBase(files));
}

export async function readBase(projectDir: string): Promise<Map<string, BaseFile>> {
  try {
    return parseBase(await readFile(join(projectDir, BASE_PATH)));
  } catch (error) {
    throw new CreateAppError(
      'UPGRADE_NO_BASE',
      `${BASE_PATH} is missing or unreadable, so local edits cannot be told from template changes; restore it from git`,
      { cause: error },
    );
  }
}

/** Valid UTF-8 without NUL survives the round trip through a JSON string byte for byte. */
function isText(content: Buffer): boolean {
  return !content.includes(0) && Buffer.from(content.toString('utf8'), 'utf8').equals(content);
}
