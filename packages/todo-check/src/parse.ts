/**
 * Reads the living checklist (TODO_backend-architect.md) into items. The grammar is documented at
 * the top of that file; this module is its only implementation, so keep the two in step.
 *
 *   - [ ] **FLOW-2.3** Title            an item: `[ ]` open, `[x]` checked, `[-]` not applicable
 *     Evidence: planned (#3): `packages/db/src/outbox.ts`; test: "when ..., then ..."
 *     Covers: FLOW-2.3, STD-1.1         (under Proposed Code Changes) items a change works on
 *
 * Lines inside fenced code blocks are ignored, so the file can show the grammar by example.
 */

export type ItemState = 'checked' | 'unchecked' | 'not-applicable';

export interface Evidence {
  /** 1-based line number of the `Evidence:` line. */
  readonly line: number;
  /** Everything after `Evidence:`, trimmed. */
  readonly text: string;
  /** Repo-relative paths, written in backticks. */
  readonly paths: readonly string[];
  /** Test titles, written in double quotes (`\"` and `\\` escape inside them). */
  readonly tests: readonly string[];
}

export interface Item {
  readonly id: string;
  readonly state: ItemState;
  readonly title: string;
  /** 1-based line number of the item line. */
  readonly line: number;
  readonly evidence?: Evidence;
}

/** A `Covers:` line: the item IDs one proposed change works towards. */
export interface CoversReference {
  readonly line: number;
  readonly ids: readonly string[];
}

/** Something about the document's shape that is wrong, found before any file is looked at. */
export interface Problem {
  readonly line: number;
  /** The item the problem belongs to, when there is one. */
  readonly id?: string;
  readonly message: string;
}

export interface ParsedDocument {
  readonly items: readonly Item[];
  readonly covers: readonly CoversReference[];
  readonly problems: readonly Problem[];
}

const ID_SOURCE = '[A-Z]+(?:-[A-Z]+)*-\\d+(?:\\.\\d+)*';
const ITEM_LINE = new RegExp(`^- \\[([ x-])\\] \\*\\*(${ID_SOURCE})\\*\\* (\\S.*)$`);
const ID = new RegExp(`^${ID_SOURCE}$`);
/** Anything a reader would take for a task item, so a near miss is reported, not silently skipped. */
const TASK_LIKE_LINE = /^\s*[-*+]\s*\[[^\]]{0,2}\](?!\()/;
const EVIDENCE_LINE = /^ {2}Evidence:(.*)$/;
const EVIDENCE_LIKE_LINE = /^\s*Evidence:/i;
const COVERS_LINE = /^\s+Covers:(.*)$/;
const FENCE = /^\s*(```|~~~)/;

const STATE_BY_MARK: Readonly<Record<string, ItemState>> = {
  ' ': 'unchecked',
  x: 'checked',
  '-': 'not-applicable',
};

/**
 * Parses a checklist document. Never throws: every line that breaks the grammar becomes a
 * `Problem` with its line number, and parsing goes on so one run reports everything.
 *
 * @example
 * const { items, problems } = parseTodo(readFileSync('TODO_backend-architect.md', 'utf8'));
 * items[0]; // { id: 'CORE-1', state: 'unchecked', title: 'Design RESTful ...', line: 42, evidence: {...} }
 */
export function parseTodo(markdown: string): ParsedDocument {
  const lines = markdown.split(/\r?\n/);
  const items: Item[] = [];
  const covers: CoversReference[] = [];
  const problems: Problem[] = [];
  let fence: string | undefined;

  for (let index = 0; index < lines.length; index++) {
    const text = lines[index] ?? '';
    const line = index + 1;

    const fenceMatch = FENCE.exec(text);
    if (fenceMatch) {
      const marker = fenceMatch[1];
      if (fence === undefined) fence = marker;
      else if (marker === fence) fence = undefined;
      continue;
    }
    if (fence !== undefined) continue;

    const itemMatch = ITEM_LINE.exec(text);
    if (itemMatch) {
      const [, mark = ' ', id = '', title = ''] = itemMatch;
      const next = lines[index + 1] ?? '';
      const evidenceMatch = EVIDENCE_LINE.exec(next);
      let evidence: Evidence | undefined;
      if (evidenceMatch) {
        index++;
        evidence = parseEvidence(evidenceMatch[1] ?? '', line + 1, id, problems);
      } else {
        problems.push({
          line,
          id,
          message:
            'has no Evidence line (write "  Evidence: ..." on the line right after the item)',
        });
      }
      const state = STATE_BY_MARK[mark] ?? 'unchecked';
      items.push({ id, state, title: title.trim(), line, ...(evidence ? { evidence } : {}) });
      continue;
    }

    if (TASK_LIKE_LINE.test(text)) {
      problems.push({ line, message: `malformed item line: ${describeItemLineFault(text)}` });
      continue;
    }

    if (EVIDENCE_LIKE_LINE.test(text)) {
      problems.push({
        line,
        message:
          'Evidence line does not directly follow an item line (or is not indented by 2 spaces)',
      });
      continue;
    }

    const coversMatch = COVERS_LINE.exec(text);
    if (coversMatch) covers.push(parseCovers(coversMatch[1] ?? '', line, problems));
  }

  if (fence !== undefined) {
    problems.push({ line: lines.length, message: `code fence ${fence} is never closed` });
  }
  return { items, covers, problems };
}

/** Says which part of a task-looking line breaks `- [ ] **ID** Title`, so the fix is obvious. */
function describeItemLineFault(text: string): string {
  if (/^\s+\S/.test(text)) return 'items must not be indented (no nested items)';
  if (!/^- \[/.test(text)) return 'an item starts with "- [" (dash, space, bracket)';
  if (!/^- \[[ x-]\]/.test(text)) return 'the box must be [ ], [x] or [-]';
  if (!new RegExp(`^- \\[[ x-]\\] \\*\\*${ID_SOURCE}\\*\\*`).test(text)) {
    return 'expected a bold ID after the box, like **CORE-1** or **FLOW-2.3**';
  }
  return 'expected a title after the ID';
}

function parseEvidence(raw: string, line: number, id: string, problems: Problem[]): Evidence {
  const text = raw.trim();
  const paths: string[] = [];
  const tests: string[] = [];

  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '`') {
      const end = text.indexOf('`', at + 1);
      if (end === -1) {
        problems.push({ line, id, message: 'Evidence has an unclosed backtick' });
        break;
      }
      const path = text.slice(at + 1, end);
      const fault = pathFault(path);
      if (fault) problems.push({ line, id, message: `Evidence path \`${path}\` ${fault}` });
      else paths.push(path);
      at = end;
    } else if (char === '"') {
      const title = readQuoted(text, at + 1);
      if (title === undefined) {
        problems.push({ line, id, message: 'Evidence has an unclosed double quote' });
        break;
      }
      if (title.value === '')
        problems.push({ line, id, message: 'Evidence names an empty test title' });
      else tests.push(title.value);
      at = title.end;
    }
  }
  return { line, text, paths, tests };
}

/** Reads a double-quoted title starting after its opening quote; `\"` and `\\` are escapes. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  let value = '';
  for (let at = start; at < text.length; at++) {
    const char = text[at];
    if (char === '\\' && (text[at + 1] === '"' || text[at + 1] === '\\')) {
      value += text[at + 1];
      at++;
    } else if (char === '"') {
      return { value, end: at };
    } else {
      value += char;
    }
  }
  return undefined;
}

/** A backticked span must be one repo-relative path; prose or commands belong outside backticks. */
function pathFault(path: string): string | undefined {
  if (path === '') return 'is empty';
  if (/\s/.test(path)) return 'contains whitespace (backticks hold exactly one path)';
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path)) return 'must be relative to the repo root';
  if (path.split('/').includes('..')) return 'must not leave the repo (no ".." segments)';
  return undefined;
}

function parseCovers(raw: string, line: number, problems: Problem[]): CoversReference {
  const ids: string[] = [];
  for (const part of raw.split(',')) {
    const id = part.trim();
    if (ID.test(id)) ids.push(id);
    else problems.push({ line, message: `Covers names "${id}", which is not an item ID` });
  }
  return { line, ids };
}
