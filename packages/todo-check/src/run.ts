import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { type Counts, checkTodo } from './check.ts';
import { parseTodo } from './parse.ts';
import { findRepoRoot, readRepo, toRepoRelative } from './repo.ts';

export interface RunIo {
  /** Resolves relative arguments, as a shell's working folder would. */
  readonly cwd: string;
  readonly stdout: (line: string) => void;
  readonly stderr: (line: string) => void;
}

export const USAGE = 'usage: todo-check [--root <repo folder>] <checklist.md>';

/**
 * Checks one checklist file and reports, one line per problem, naming the file (relative to the
 * repository root), the line and the item ID. Returns the exit code: 0 when the checklist holds,
 * 1 when it has problems, 2 when the command line or the file is wrong.
 *
 * @example
 * const code = runTodoCheck(['../../TODO_backend-architect.md'], {
 *   cwd: process.cwd(),
 *   stdout: (line) => process.stdout.write(`${line}\n`),
 *   stderr: (line) => process.stderr.write(`${line}\n`),
 * });
 * // stdout: "TODO_backend-architect.md: 0 of 176 items checked (15 not applicable)"
 */
export function runTodoCheck(args: readonly string[], io: RunIo): number {
  let file: string;
  let rootOption: string | undefined;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { root: { type: 'string' } },
      allowPositionals: true,
    });
    if (positionals.length !== 1 || positionals[0] === undefined) throw new Error(USAGE);
    file = resolve(io.cwd, positionals[0]);
    rootOption = values.root;
  } catch (error) {
    io.stderr(error instanceof Error ? error.message : String(error));
    io.stderr(USAGE);
    return 2;
  }
  if (!existsSync(file)) {
    io.stderr(`todo-check: no such file ${file}`);
    return 2;
  }

  const root = rootOption === undefined ? findRepoRoot(file) : resolve(io.cwd, rootOption);
  const shown = toRepoRelative(root, file);
  const result = checkTodo(parseTodo(readFileSync(file, 'utf8')), readRepo(root));

  for (const problem of result.problems) {
    const id = problem.id === undefined ? '' : ` ${problem.id}:`;
    io.stderr(`${shown}:${problem.line}:${id} ${problem.message}`);
  }
  if (result.problems.length > 0) {
    const count = result.problems.length;
    io.stderr(
      `${shown}: ${count} problem${count === 1 ? '' : 's'}; ${describeCounts(result.counts)}`,
    );
    return 1;
  }
  io.stdout(`${shown}: ${describeCounts(result.counts)}`);
  return 0;
}

/** "N of M items checked (K not applicable)": M counts the items that apply, so N can reach it. */
export function describeCounts(counts: Counts): string {
  const applicable = counts.checked + counts.unchecked;
  return `${counts.checked} of ${applicable} items checked (${counts.notApplicable} not applicable)`;
}
