// Entry point of `npm run pack-template` (and prepack): fills template/ from the commit at HEAD.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { packTemplate } from './pack-template.ts';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = execFileSync('git', ['rev-parse', '--show-toplevel'], { cwd: packageDir })
  .toString()
  .trim();
const { version } = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

const index = await packTemplate({
  repoRoot,
  outDir: fileURLToPath(new URL('../template/', import.meta.url)),
  version,
});
process.stderr.write(`template ${version}: ${index.files.length} files packed\n`);
