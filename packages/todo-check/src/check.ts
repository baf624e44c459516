import type { Item, ParsedDocument, Problem } from './parse.ts';
import type { RepoView } from './repo.ts';

export interface Counts {
  readonly checked: number;
  readonly unchecked: number;
  readonly notApplicable: number;
}

export interface CheckResult {
  readonly items: readonly Item[];
  /** Sorted by line; empty when the checklist holds. */
  readonly problems: readonly Problem[];
  readonly counts: Counts;
}

const PLANNED = /^planned\b/i;
const ISSUE = /#\d+/;
const NOT_APPLICABLE = /^N\/A\b\W*(\S.*)?$/;

/**
 * Holds a parsed checklist against a repository. The rules, by state:
 * - checked `[x]`: the Evidence names at least one path or test title, does not still read
 *   "planned", every path exists and every title is declared by a test file (see test-titles.ts);
 * - open `[ ]`: the Evidence reads "planned (#issue): ..." — what will prove it, not yet verified;
 * - not applicable `[-]`: the Evidence reads "N/A — reason".
 * Also: IDs are unique, and each `Covers:` line names existing items that are still open.
 *
 * @example
 * const result = checkTodo(parseTodo(markdown), readRepo(root));
 * result.problems; // [{ line: 40, id: 'CORE-1', message: 'evidence path `x.ts` does not exist' }]
 */
export function checkTodo(document: ParsedDocument, repo: RepoView): CheckResult {
  const problems: Problem[] = [...document.problems];
  const firstLineById = new Map<string, number>();

  for (const item of document.items) {
    const first = firstLineById.get(item.id);
    if (first === undefined) firstLineById.set(item.id, item.line);
    else problems.push({ line: item.line, id: item.id, message: `ID repeats line ${first}` });
    problems.push(...checkItem(item, repo));
  }

  const stateById = new Map(document.items.map((item) => [item.id, item.state]));
  for (const reference of document.covers) {
    for (const id of reference.ids) {
      const state = stateById.get(id);
      if (state === undefined) {
        problems.push({
          line: reference.line,
          id,
          message: 'Covers names an item that does not exist',
        });
      } else if (state !== 'unchecked') {
        problems.push({
          line: reference.line,
          id,
          message: `Covers names an item that is ${state}: a proposed change only covers open items`,
        });
      }
    }
  }

  return {
    items: document.items,
    problems: problems.sort((a, b) => a.line - b.line),
    counts: countStates(document.items),
  };
}

function checkItem(item: Item, repo: RepoView): Problem[] {
  const { evidence } = item;
  if (!evidence) return []; // the parser already reported the missing line
  const problem = (message: string, line = evidence.line): Problem => ({
    line,
    id: item.id,
    message,
  });

  if (item.state === 'not-applicable') {
    return NOT_APPLICABLE.exec(evidence.text)?.[1]
      ? []
      : [problem('a not-applicable item\'s Evidence reads "N/A — <reason>"')];
  }

  if (item.state === 'unchecked') {
    return PLANNED.test(evidence.text) && ISSUE.test(evidence.text)
      ? []
      : [problem('an open item\'s Evidence reads "planned (#<issue>): <what will prove it>"')];
  }

  const problems: Problem[] = [];
  if (evidence.paths.length === 0 && evidence.tests.length === 0) {
    problems.push(problem('checked item has no evidence: name a `path` or a "test title"'));
  }
  if (PLANNED.test(evidence.text)) {
    problems.push(problem('checked item\'s Evidence still reads "planned": cite what exists'));
  }
  for (const path of evidence.paths) {
    if (!repo.pathExists(path)) problems.push(problem(`evidence path \`${path}\` does not exist`));
  }
  for (const title of evidence.tests) {
    if (!repo.testTitles.has(title)) {
      problems.push(
        problem(`evidence test "${title}" is not a test title in any workspace's *.test.ts`),
      );
    }
  }
  return problems;
}

function countStates(items: readonly Item[]): Counts {
  let checked = 0;
  let unchecked = 0;
  let notApplicable = 0;
  for (const item of items) {
    if (item.state === 'checked') checked++;
    else if (item.state === 'unchecked') unchecked++;
    else notApplicable++;
  }
  return { checked, unchecked, notApplicable };
}
