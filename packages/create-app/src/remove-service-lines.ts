import type { OptionalService } from './services.ts';

/**
 * Line rules that take a removed service out of deployment and test configuration, in the
 * template's own spellings (before the rename). Each rule matches one shape the template uses to
 * name its apps; anything else that mentions a service (prose, comments) stays.
 */

/** Every app of the template: lists of these names are lists of apps. */
const APPS = ['gateway', 'identity', 'orders', 'worker'] as const;
const APP = `(?:${APPS.join('|')})`;

/** `docker-compose.yml`: the service's block under `services:`, and `<svc>: {...}` in depends_on. */
export function dropComposeServices(text: string, removed: readonly OptionalService[]): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const block = /^ {2}([a-z-]+):\s*$/.exec(line);
    if (block !== null && isRemoved(block[1] ?? '', removed)) {
      // The block runs to the next line indented 2 or less; blank lines after it go too.
      let end = index + 1;
      while (end < lines.length && !/^ {0,2}\S/.test(lines[end] ?? '')) end += 1;
      index = end - 1;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}

/**
 * YAML of any kind (compose, kustomize, workflows, Prometheus):
 * - a list item named after the service, with the lines indented below it:
 *   `- name: worker-database`, `- name: WORKER_DATABASE_URL`, `- secretKey: worker-url`,
 *   `- job_name: worker`;
 * - a one-line list item `- { image: worker, app: worker, ... }` with the service as a value;
 * - a mapping entry keyed by the service (`worker: { condition: ... }` in depends_on) or by its
 *   environment variables (`WORKER_DATABASE_URL: ...`);
 * - a document (between `---`) whose `metadata.name` is the service or starts with `<svc>-`.
 */
export function pruneYaml(text: string, removed: readonly OptionalService[]): string {
  const names = removed.join('|');
  const namedItem = new RegExp(
    `^(\\s*)- (?:name|secretKey|job_name): ["']?(?:${names})(?:$|["'\\s_-])`,
    'i',
  );
  const flowItem = new RegExp(`^\\s*- \\{.*\\b\\w+: (?:${names})(?:,|\\s*\\})`);
  const keyedEntry = new RegExp(
    `^\\s+(?:(?:${names}): \\{|(?:${names.toUpperCase()})_[A-Z0-9_]+:)`,
  );
  const lines = text.split('\n');
  const kept: string[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? '';
    const item = namedItem.exec(line);
    if (item !== null) {
      const indent = (item[1] ?? '').length;
      while (indentOf(lines[index + 1]) > indent) index += 1;
      continue;
    }
    if (flowItem.test(line) || keyedEntry.test(line)) continue;
    kept.push(line);
  }
  return dropYamlDocuments(kept.join('\n'), removed);
}

function dropYamlDocuments(text: string, removed: readonly OptionalService[]): string {
  if (!/^---$/m.test(text)) return text;
  const names = removed.join('|');
  const ownName = new RegExp(`^metadata:\\n {2}name: (?:${names})(?:-[a-z0-9-]+)?$`, 'm');
  const documents = text.split(/^---\n/m);
  const kept = documents.filter((document) => !ownName.test(document));
  if (kept.length === documents.length) return text;
  // The first document may carry the file's header comment: keep it when that document goes.
  if (!kept.includes(documents[0] ?? '')) {
    const header = /^(?:#.*\n)+/.exec(documents[0] ?? '')?.[0] ?? '';
    kept[0] = header + (kept[0] ?? '');
  }
  return kept.join('---\n');
}

/**
 * Lists of apps on one line, in YAML, shell, Dockerfiles and workflows: space separated
 * (`APP: identity orders worker`, `for db in groundwork_identity groundwork_orders`) or in
 * brackets (`values: [identity, orders, worker, migrate]`).
 */
export function pruneAppLists(text: string, removed: readonly OptionalService[]): string {
  const spaced = new RegExp(`\\b(?:groundwork_)?${APP}(?: (?:groundwork_)?${APP})+\\b`, 'g');
  return text
    .replace(spaced, (run) => {
      const words = run.split(' ');
      // A list names each app once; `worker worker:3003` is prose.
      if (new Set(words).size !== words.length) return run;
      return words
        .filter((word) => !isRemoved(word.replace(/^groundwork_/, ''), removed))
        .join(' ');
    })
    .replace(/\[([a-z0-9_, -]+)\]/g, (list, items: string) => {
      const words = items.split(/,\s*/);
      if (!words.some((word) => (APPS as readonly string[]).includes(word))) return list;
      return `[${words.filter((word) => !isRemoved(word, removed)).join(', ')}]`;
    });
}

/** `.env.example`: the service's own variables (`WORKER_PORT=3003`). */
export function pruneEnvExample(text: string, removed: readonly OptionalService[]): string {
  const own = new RegExp(`^(?:${removed.join('|').toUpperCase()})_[A-Z0-9_]*=`);
  return text
    .split('\n')
    .filter((line) => !own.test(line))
    .join('\n');
}

/**
 * Test files that enumerate the apps: `['gateway', 'identity', 'orders', 'worker']` loses the
 * removed names; a line that is only `'worker-database',` or `worker: ['worker:3003'],` (an
 * expected secret or scrape target of the removed app) goes.
 */
export function pruneTestEnumerations(text: string, removed: readonly OptionalService[]): string {
  const names = removed.join('|');
  const ownLine = new RegExp(
    `^\\s*(?:'(?:${names})-[a-z0-9-]+',?|(?:${names}): \\[[^\\]]*\\],?)\\s*$`,
  );
  const quotedApp = `'${APP}'`;
  const appArray = new RegExp(`\\[${quotedApp}(?:, ${quotedApp})*\\]`, 'g');
  return text
    .split('\n')
    .filter((line) => !ownLine.test(line))
    .join('\n')
    .replace(appArray, (array) => {
      const words = array.slice(1, -1).split(', ');
      return `[${words.filter((word) => !isRemoved(word.slice(1, -1), removed)).join(', ')}]`;
    });
}

/**
 * The gateway's wiring of an upstream, the inverse of what `turbo gen service` adds:
 * - `route-table.ts`: the name in `UPSTREAMS` and every `ROUTE_TABLE` row with `upstream: '<svc>'`;
 * - `config.ts`, `config.test.ts`, `app.ts`: the one-line `<SVC>_URL: ...` setting, its expected
 *   default and the `<svc>: config.<SVC>_URL` origin.
 * The gateway's other tests route their own fixture tables (apps/gateway/test/fixture-routes.ts)
 * and do not depend on which services the project keeps.
 */
export function pruneGatewayWiring(
  path: string,
  text: string,
  removed: readonly OptionalService[],
): string {
  const names = removed.join('|');
  const constants = names.toUpperCase();
  if (path === 'apps/gateway/src/route-table.ts') {
    const row = new RegExp(`^\\s*\\{ prefix: '[^']*', upstream: '(?:${names})',.*\\},?\\s*$`);
    return text
      .replace(/(export const UPSTREAMS = \[)([^\]]*)(\] as const;)/, (_all, head, list, tail) => {
        const items = String(list)
          .split(',')
          .map((item) => item.trim())
          .filter((item) => item !== '' && !isRemoved(item.slice(1, -1), removed));
        return `${head}${items.join(', ')}${tail}`;
      })
      .split('\n')
      .filter((line) => !row.test(line))
      .join('\n');
  }
  if (GATEWAY_SETTINGS_FILES.includes(path)) {
    const setting = new RegExp(
      `^\\s*(?:(?:${constants})_URL: .*,|(?:${names}): config\\.(?:${constants})_URL,?)\\s*$`,
    );
    return text
      .split('\n')
      .filter((line) => !setting.test(line))
      .join('\n');
  }
  return text;
}

const GATEWAY_SETTINGS_FILES = [
  'apps/gateway/src/config.ts',
  'apps/gateway/src/config.test.ts',
  'apps/gateway/src/app.ts',
];

function isRemoved(name: string, removed: readonly OptionalService[]): boolean {
  return (removed as readonly string[]).includes(name);
}

function indentOf(line: string | undefined): number {
  if (line === undefined || line.trim() === '') return line === undefined ? -1 : Infinity;
  return line.length - line.trimStart().length;
}
