// `npm run api:check [-- --write]`: regenerates the merged OpenAPI document and compares it with
// the committed one (see check.ts for the verdicts). Exit 1 fails CI.
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { COMMITTED_PATH, canonicalJson, checkApi } from './check.ts';
import { generateApiDocument, ServiceDocumentMissing } from './generate.ts';
import type { OpenApiDocument } from './openapi-diff.ts';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const committedFile = `${root}${COMMITTED_PATH}`;
const write = process.argv.slice(2).includes('--write');

const committed = await readFile(committedFile, 'utf8').then(
  (text) => JSON.parse(text) as OpenApiDocument,
  (error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  },
);
const generated = await generateApiDocument().then(
  // Through JSON, so the generated document compares like the parsed committed one.
  (document) => JSON.parse(JSON.stringify(document)) as OpenApiDocument,
  (error: unknown) => {
    // The message says what to add; a stack trace would only bury it.
    if (!(error instanceof ServiceDocumentMissing)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  },
);

const result = checkApi({ committed, generated, write });
if (result.write) {
  // A project created without one of the example services has no docs/api/ until this first write.
  await mkdir(dirname(committedFile), { recursive: true });
  await writeFile(committedFile, canonicalJson(generated));
  // The repository's formatter has the last word, so `npm run lint` finds nothing to change.
  execFileSync('npx', ['--no-install', 'biome', 'format', '--write', COMMITTED_PATH], {
    cwd: root,
    stdio: 'ignore',
  });
}
const output = result.exitCode === 0 ? process.stdout : process.stderr;
output.write(`${result.lines.join('\n')}\n`);
process.exitCode = result.exitCode;
