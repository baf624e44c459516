import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The result of merging one file: the merged bytes, and how many conflict regions they hold. */
export interface MergeResult {
  content: Buffer;
  conflicts: number;
}

/** Labels on the conflict markers, so a reader knows which side is which. */
export interface MergeLabels {
  local: string;
  base: string;
  upstream: string;
}

/**
 * Three-way merges one text file with `git merge-file --diff3`: regions changed on one side only
 * are taken, regions changed on both sides get `<<<<<<<`/`|||||||`/`=======`/`>>>>>>>` markers
 * with the base in the middle. Without git, a file changed on both sides becomes one whole-file
 * conflict: never a silent wrong merge (a JavaScript diff3 was the alternative; node-diff3, the
 * maintained one, declares only a Bun engine).
 */
export async function mergeFile(
  local: Buffer,
  base: Buffer,
  upstream: Buffer,
  labels: MergeLabels,
): Promise<MergeResult> {
  const dir = await mkdtemp(join(tmpdir(), 'groundwork-merge-'));
  try {
    const paths = ['local', 'base', 'upstream'].map((name) => join(dir, name));
    await Promise.all(
      [local, base, upstream].map((content, i) => writeFile(paths[i] as string, content)),
    );
    const args = ['merge-file', '-p', '--diff3'];
    for (const label of [labels.local, labels.base, labels.upstream]) args.push('-L', label);
    return await new Promise<MergeResult>((resolve, reject) => {
      execFile(
        'git',
        [...args, ...paths],
        { encoding: 'buffer', maxBuffer: 256 * 1024 * 1024 },
        (error, stdout) => {
          // git merge-file exits with the number of conflicts (capped at 127), negative on error.
          const code = error === null ? 0 : (error as { code?: unknown }).code;
          if (typeof code === 'number' && code >= 0 && code < 128) {
            resolve({ content: stdout, conflicts: code });
          } else if (code === 'ENOENT') {
            resolve(wholeFileConflict(local, upstream, labels));
          } else {
            reject(error);
          }
        },
      );
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The fallback without git: the local and the upstream file, whole, between conflict markers. */
export function wholeFileConflict(
  local: Buffer,
  upstream: Buffer,
  labels: MergeLabels,
): MergeResult {
  const withNewline = (content: Buffer) =>
    content.length === 0 || content.at(-1) === 0x0a
      ? content
      : Buffer.concat([content, Buffer.from('\n')]);
  return {
    content: Buffer.concat([
      Buffer.from(`<<<<<<< ${labels.local}\n`),
      withNewline(local),
      Buffer.from('=======\n'),
      withNewline(upstream),
      Buffer.from(`>>>>>>> ${labels.upstream}\n`),
    ]),
    conflicts: 1,
  };
}
