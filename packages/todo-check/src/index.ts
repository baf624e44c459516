export { type CheckResult, type Counts, checkTodo } from './check.ts';
export {
  type CoversReference,
  type Evidence,
  type Item,
  type ItemState,
  type ParsedDocument,
  type Problem,
  parseTodo,
} from './parse.ts';
export { findRepoRoot, listTestFiles, type RepoView, readRepo, toRepoRelative } from './repo.ts';
export { describeCounts, type RunIo, runTodoCheck, USAGE } from './run.ts';
export { extractTestTitles } from './test-titles.ts';
