import { execFileSync } from 'node:child_process';

/**
 * `git init` and a first commit of everything generated. A missing git or a missing commit
 * identity is not a reason to take the project back: it is reported, and the project stays.
 *
 * @returns undefined on success, else why the repository was not committed.
 */
export function initGitRepository(dir: string): string | undefined {
  try {
    for (const args of [
      ['init', '-q'],
      ['add', '-A'],
      ['commit', '-q', '-m', 'Initial commit from create-groundwork'],
    ]) {
      execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    }
    return undefined;
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
    return stderr?.split('\n')[0] || (error as Error).message;
  }
}
