import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { firstDiagnostic, formatProject } from './format-project.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'format-project-'));
  await writeFile(join(dir, 'biome.json'), '{}');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('formatProject', () => {
  it('when a file does not parse, then a one-line CREATE_FORMAT_FAILED error names the file and place', async () => {
    await writeFile(join(dir, 'ok.ts'), 'export const a = 1;\n');
    await writeFile(join(dir, 'broken.ts'), 'export const x = { a b };\n');

    await expect(formatProject(dir)).rejects.toMatchObject({
      code: 'CREATE_FORMAT_FAILED',
      message:
        'formatting the new project failed: broken.ts:1:22 expected `,` but instead found `b`',
    });
  });
});

describe('firstDiagnostic', () => {
  it('when the output has no located diagnostic, then there is none', () => {
    expect(firstDiagnostic('  × Some errors were emitted\n')).toBeUndefined();
  });
});
