import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

export type LintRule =
  | 'drop-table'
  | 'drop-column'
  | 'alter-column-type'
  | 'set-not-null'
  | 'add-required-column'
  | 'rename'
  | 'delete-data';

export interface LintFinding {
  /** The migration folder name. */
  readonly migration: string;
  readonly rule: LintRule;
  /** The statement, whitespace collapsed, cut to 200 characters. */
  readonly statement: string;
  readonly message: string;
}

/**
 * A migration that means a destructive step says so, and why it is safe, in a comment line:
 * `-- expand-contract: "Product"."legacySku" unused since release 1.4 (expand in 20260101_x)`.
 */
const NOTE = /^--[ \t]*expand-contract:[ \t]*\S/im;

interface Rule {
  readonly rule: LintRule;
  readonly pattern: RegExp;
  readonly message: string;
}

/** Rules on whole statements. */
const STATEMENT_RULES: readonly Rule[] = [
  {
    rule: 'drop-table',
    pattern: /^DROP\s+TABLE\b/i,
    message: 'drops a table: running code may still read it, and its data is gone',
  },
  {
    rule: 'delete-data',
    pattern: /^(TRUNCATE\b|DELETE\s+FROM\b)/i,
    message: 'deletes rows',
  },
];

/** Rules on each action of an `ALTER TABLE` (Prisma puts several in one statement). */
const ALTER_TABLE_RULES: readonly Rule[] = [
  {
    rule: 'drop-column',
    pattern: /^DROP\s+COLUMN\b/i,
    message: 'drops a column: the running release may still select it, and its data is gone',
  },
  {
    rule: 'alter-column-type',
    pattern: /^ALTER\s+(COLUMN\s+)?\S+\s+(SET\s+DATA\s+)?TYPE\b/i,
    message:
      'changes a column type: a narrower type loses data or fails, and the table is rewritten under lock',
  },
  {
    rule: 'set-not-null',
    pattern: /^ALTER\s+(COLUMN\s+)?\S+\s+SET\s+NOT\s+NULL\b/i,
    message: 'makes a column required: the running release may still write NULL',
  },
  {
    rule: 'add-required-column',
    // Serial and identity columns fill themselves; a DEFAULT fills existing rows.
    pattern:
      /^ADD\s+(COLUMN\s+)?(?![\s\S]*\b(DEFAULT|SERIAL|BIGSERIAL|SMALLSERIAL|IDENTITY)\b)[\s\S]*\bNOT\s+NULL\b/i,
    message:
      'adds a NOT NULL column without a default: fails on a table with rows, and old code cannot insert',
  },
  {
    rule: 'rename',
    pattern: /^RENAME\s+(TO\b|(COLUMN\s+)?(?!CONSTRAINT\b)\S+\s+TO\b)/i,
    message: 'renames a table or column: the running release still uses the old name',
  },
];

const ALTER_TABLE =
  /^ALTER\s+TABLE\s+(ONLY\s+)?(IF\s+EXISTS\s+)?("[^"]*"|\S+)(\s*\.\s*("[^"]*"|\S+))?\s+/i;

/**
 * Flags destructive statements in each `migration.sql` (not in `down.sql`, which undoes by
 * design) unless the migration carries an expand/contract note. Comments, string literals and
 * `$$` bodies are ignored, so a function that deletes rows at run time is not a finding.
 *
 * @example
 * const findings = await lintMigrations('apps/orders/prisma/migrations');
 * if (findings.length > 0) throw new Error(formatLintFindings(findings));
 */
export async function lintMigrations(migrationsDir: string): Promise<LintFinding[]> {
  const entries = await readdir(migrationsDir, { withFileTypes: true });
  const findings: LintFinding[] = [];
  for (const migration of entries
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort()) {
    const sql = await readFile(path.join(migrationsDir, migration, 'migration.sql'), 'utf8').catch(
      () => undefined,
    );
    if (sql !== undefined) findings.push(...lintMigrationSql(migration, sql));
  }
  return findings;
}

/** {@link lintMigrations} for one migration's SQL. */
export function lintMigrationSql(migration: string, sql: string): LintFinding[] {
  if (NOTE.test(sql)) return [];
  const findings: LintFinding[] = [];
  for (const statement of statements(sql)) {
    const table = ALTER_TABLE.exec(statement);
    const clauses = table ? splitTopLevel(statement.slice(table[0].length)) : [statement];
    const rules = table ? ALTER_TABLE_RULES : STATEMENT_RULES;
    for (const clause of clauses) {
      for (const { rule, pattern, message } of rules) {
        if (pattern.test(clause)) {
          findings.push({ migration, rule, statement: statement.slice(0, 200), message });
        }
      }
    }
  }
  return findings;
}

/** One line per finding, and how to acknowledge them. */
export function formatLintFindings(findings: readonly LintFinding[]): string {
  const lines = findings.map((f) => `${f.migration}: ${f.rule}: ${f.message}\n    ${f.statement}`);
  return [
    ...lines,
    'Split the change into expand and contract releases, or add a line',
    '"-- expand-contract: <why this is safe now>" to the migration.',
  ].join('\n');
}

/** Splits `a, b (c, d), e` on the commas outside parentheses. */
function splitTopLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    if (list[i] === '(') depth += 1;
    else if (list[i] === ')') depth -= 1;
    else if (list[i] === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts;
}

/**
 * The statements of a script with comments removed and every literal, quoted identifier and
 * dollar-quoted body blanked to a placeholder, whitespace collapsed.
 */
function statements(sql: string): string[] {
  let out = '';
  let i = 0;
  while (i < sql.length) {
    const rest = sql.slice(i);
    const dollar = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(rest);
    if (rest.startsWith('--')) {
      const end = sql.indexOf('\n', i);
      i = end === -1 ? sql.length : end;
    } else if (rest.startsWith('/*')) {
      const end = sql.indexOf('*/', i + 2);
      i = end === -1 ? sql.length : end + 2;
    } else if (dollar) {
      const end = sql.indexOf(dollar[0], i + dollar[0].length);
      out += "''";
      i = end === -1 ? sql.length : end + dollar[0].length;
    } else if (rest[0] === "'" || rest[0] === '"') {
      const quote = rest[0];
      let j = i + 1;
      while (j < sql.length && !(sql[j] === quote && sql[j + 1] !== quote))
        j += sql[j] === quote ? 2 : 1;
      // Identifiers stay readable in findings; literals do not matter to any rule.
      out += quote === '"' ? sql.slice(i, j + 1) : "''";
      i = j + 1;
    } else {
      out += sql[i];
      i += 1;
    }
  }
  return out
    .split(';')
    .map((s) => s.replace(/\s+/g, ' ').trim())
    .filter((s) => s !== '');
}
