import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** Absolute path of a file under the repository root. */
export function repoPath(relative: string): string {
  return fileURLToPath(new URL(`../../../${relative}`, import.meta.url));
}

export function readYaml(relative: string): unknown {
  return parse(readFileSync(repoPath(relative), 'utf8'));
}

export interface Rule {
  readonly record?: string;
  readonly alert?: string;
  readonly expr: string;
  readonly for?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly annotations?: Readonly<Record<string, string>>;
}

export const ALERTS_FILE = 'infra/observability/alerts.yml';
export const DASHBOARD_FILE = 'infra/observability/grafana/dashboards/groundwork-red.json';

/** Every rule of the alert rules file, recording and alerting, in order. */
export function alertRules(): Rule[] {
  const file = readYaml(ALERTS_FILE) as { groups: { rules: Rule[] }[] };
  return file.groups.flatMap((group) => group.rules);
}

/** Metrics an alert reads that the apps do not export (its `metrics_not_exported_by_apps`). */
export function declaredMissing(rule: Rule): string[] {
  const listed = rule.annotations?.metrics_not_exported_by_apps;
  return listed === undefined ? [] : listed.split(',').map((name) => name.trim());
}

/** Every PromQL query of the dashboard's panels, with the panel title. */
export function dashboardQueries(): { panel: string; expr: string }[] {
  const dashboard = JSON.parse(readFileSync(repoPath(DASHBOARD_FILE), 'utf8')) as {
    panels: { title: string; targets?: { expr: string }[] }[];
  };
  return dashboard.panels.flatMap((panel) =>
    (panel.targets ?? []).map((target) => ({ panel: panel.title, expr: target.expr })),
  );
}

const KEYWORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'and',
  'or',
  'unless',
  'offset',
]);

/**
 * The metric (series) names a PromQL expression selects: identifiers outside label matchers,
 * grouping clauses, ranges and strings that are neither functions, aggregations nor keywords.
 * Enough for the queries of this repository (no `__name__` matchers, no `@` modifiers).
 */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\$\w+/g, ' ');
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice((match.index ?? 0) + match[0].length);
    if (/^\s*\(/.test(after) || KEYWORDS.has(match[0])) continue;
    // A number's exponent (`1e3`) or a duration unit is never preceded by a letter boundary
    // here, but a digit is: skip tokens glued to a digit.
    if (/[0-9.]$/.test(stripped.slice(0, match.index))) continue;
    names.add(match[0]);
  }
  return [...names];
}
