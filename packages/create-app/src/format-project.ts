import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import { CreateAppError } from './create-app-error.ts';

const run = promisify(execFile);

/** Biome's launcher, from this package's own dependency: a new project has no node_modules yet. */
const BIOME = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');

/**
 * Formats and sorts imports in a generated project with the template's own biome.json. Renaming
 * changes line lengths and import order (`@acme/errors` sorts before `@fastify/*`, where
 * `@groundwork/errors` did not), and a new project must pass its own `npm run lint` as created.
 * Lint rules are not run: they are the template's business, not the rename's.
 */
export async function formatProject(dir: string, paths: readonly string[] = ['.']): Promise<void> {
  try {
    await run(
      process.execPath,
      [
        BIOME,
        'check',
        '--write',
        '--linter-enabled=false',
        // Not a git repository yet: .gitignore cannot be read through git.
        '--vcs-enabled=false',
        '--no-errors-on-unmatched',
        ...paths,
      ],
      { cwd: dir },
    );
  } catch (error) {
    const output = `${(error as { stdout?: string }).stdout ?? ''}${(error as { stderr?: string }).stderr ?? ''}`;
    throw new CreateAppError(
      'CREATE_FORMAT_FAILED',
      `formatting the new project failed: ${firstDiagnostic(output) ?? (error as Error).message}`,
      { cause: error },
    );
  }
}

/** `apps/x.ts:1:14 expected \`,\`…` from Biome's report: where, and the first message. */
export function firstDiagnostic(output: string): string | undefined {
  const lines = output.split('\n');
  const at = lines.findIndex((line) => /^\S+:\d+:\d+ /.test(line));
  const message = lines.slice(at + 1).find((line) => line.trim().startsWith('×'));
  if (at === -1 || message === undefined) return undefined;
  return `${lines[at]?.split(' ')[0]} ${message.trim().replace(/^×\s*/, '')}`;
}
