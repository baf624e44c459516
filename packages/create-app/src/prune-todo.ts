import { isRemovedPath } from './remove-services.ts';
import { CLI_WORKSPACE, type OptionalService } from './services.ts';

/** What the generated project holds, for deciding which TODO evidence still stands. */
export interface ProjectContents {
  /** Every file path of the project. */
  readonly files: ReadonlySet<string>;
  /** The text of its test files (`*.test.ts`), where test titles are declared. */
  readonly testSources: readonly string[];
}

const ITEM = /^- \[([ x])\] \*\*([A-Z0-9.-]+)\*\*/;
const EVIDENCE = /^ {2}Evidence: (.*)$/;
const PATH = /`([^`\s]+)`/g;
const TITLE = /"((?:[^"\\]|\\.)*)"/g;

/**
 * TODO_backend-architect.md for a new project (decision): an item whose evidence does not stand in
 * it (a removed service's, or the create-groundwork CLI's, which no project contains) becomes
 * not applicable, `[-]` with
 * `N/A — left out at creation: ...; was: <the template's evidence>`. It keeps its ID (IDs are never
 * reused) and says what to re-prove when the service is added back. That is:
 *
 * - a checked item citing a path the project does not have, or a test title that none of its test
 *   files declares (the removed service's own files and tests);
 * - an open item whose title or planned evidence names a removed service's folder.
 *
 * Items that become not applicable leave the `Covers:` lines; a `Covers:` line left empty goes.
 * Everything else is unchanged, so the project's `npm run todo:check` passes as created.
 */
export function pruneTodo(
  text: string,
  removed: readonly OptionalService[],
  project: ProjectContents,
): string {
  const lines = text.split('\n');
  const dropped = new Set<string>();
  let fenced = false;
  for (let index = 0; index < lines.length - 1; index += 1) {
    const line = lines[index] ?? '';
    if (line.startsWith('```')) fenced = !fenced;
    const item = ITEM.exec(line);
    const evidence = EVIDENCE.exec(lines[index + 1] ?? '');
    if (fenced || item === null || evidence === null) continue;
    const checked = item[1] === 'x';
    const cited = `${line}\n${evidence[1]}`;
    const stands = checked
      ? evidenceStands(evidence[1] ?? '', project)
      : !namesRemovedPath(cited, removed);
    if (stands) continue;
    dropped.add(item[2] ?? '');
    const missing = namesCli(cited) ? [...removed, 'create-groundwork CLI'] : removed;
    lines[index] = line.replace(/^- \[[ x]\]/, '- [-]');
    lines[index + 1] =
      `  Evidence: N/A — left out at creation: this project has no ${missing.join(', ')}; was: ${evidence[1]}`;
  }
  return lines
    .flatMap((line) => {
      const covers = /^(\s+Covers:)(.*)$/.exec(line);
      if (covers === null) return [line];
      const ids = (covers[2] ?? '')
        .split(',')
        .map((id) => id.trim())
        .filter((id) => id !== '' && !dropped.has(id));
      return ids.length === 0 ? [] : [`${covers[1]} ${ids.join(', ')}`];
    })
    .join('\n');
}

function evidenceStands(evidence: string, project: ProjectContents): boolean {
  for (const [, path = ''] of evidence.matchAll(PATH)) {
    if (!pathExists(path, project.files)) return false;
  }
  for (const [, escaped = ''] of evidence.matchAll(TITLE)) {
    const title = escaped.replaceAll('\\"', '"');
    if (!project.testSources.some((source) => source.includes(title))) return false;
  }
  return true;
}

function pathExists(path: string, files: ReadonlySet<string>): boolean {
  const bare = path.replace(/\/$/, '');
  if (files.has(bare)) return true;
  const folder = `${bare}/`;
  for (const file of files) if (file.startsWith(folder)) return true;
  return false;
}

/** The CLI is never part of the projects it makes, so its items never stand in one. */
function namesCli(text: string): boolean {
  return [...text.matchAll(PATH)].some(([, path = '']) => path.startsWith(`${CLI_WORKSPACE.dir}`));
}

function namesRemovedPath(text: string, removed: readonly OptionalService[]): boolean {
  if (namesCli(text)) return true;
  for (const [, path = ''] of text.matchAll(PATH)) {
    if (isRemovedPath(path.endsWith('/') ? path : `${path}/`, removed)) return true;
    if (isRemovedPath(path, removed)) return true;
  }
  return false;
}
