import {
  dropComposeServices,
  pruneAppLists,
  pruneEnvExample,
  pruneGatewayWiring,
  pruneTestEnumerations,
  pruneYaml,
} from './remove-service-lines.ts';
import { CLI_WORKSPACE, type OptionalService } from './services.ts';

/**
 * What dropping a service removes, found mechanically in the template (before the rename, so
 * packages are still `@groundwork/<service>`):
 *
 * - its folders: `apps/<service>/` and `infra/k8s/base/<service>/`;
 * - in every package.json: dependencies on `@groundwork/<service>` and scripts that run in its
 *   workspace (`-w @groundwork/<service>`);
 * - in every kustomization.yaml: the `- <service>` resource line and its image entries;
 * - in the root package-lock.json: the workspace, its link and dependencies on it (and the same
 *   for the CLI's own workspace, which projects never contain). Third-party packages only the
 *   service used stay locked until the next `npm install` prunes them;
 * - in the gateway: its upstream name, route table rows, `<SERVICE>_URL` setting and origin;
 * - `docs/api/openapi.json` when a routed service goes (see `removesApiContract`);
 * - with orders, the examples built on it: the canary overlay with its test, and the backup drill.
 *
 * Not removed (prose, listed in the package README): docs, ADRs, runbooks and comments that name
 * the service. The worker goes with identity or orders (`validateOptions` refuses to keep it
 * alone): it relays their outboxes, consumes orders' events and runs their scheduled jobs.
 */
export function isRemovedPath(path: string, removed: readonly OptionalService[]): boolean {
  if (removed.length > 0 && JOURNEY_TESTS.includes(path)) return true;
  if (path === API_CONTRACT && removesApiContract(removed)) return true;
  if (removed.includes('orders') && BUILT_ON_ORDERS.some((prefix) => path.startsWith(prefix))) {
    return true;
  }
  if (removed.some((service) => BENCH_NEEDS.includes(service)) && path.startsWith('bench/')) {
    return true;
  }
  return removed.some(
    (service) =>
      path.startsWith(`apps/${service}/`) || path.startsWith(`infra/k8s/base/${service}/`),
  );
}

/**
 * The end-to-end journey runs one order through all four apps (a token from identity, the order,
 * the worker's job): a project without one of them has no journey to run, and gets none.
 */
const JOURNEY_TESTS = ['e2e/src/order-journey.int.test.ts'];

/**
 * The committed API contract is the merged document of every routed service, compared by
 * `npm run api:check` byte for byte. Without one of the routed services it would be another
 * document, which only the project's own code can generate: the project gets none, and the next
 * steps say to write it (`npm run api:check -- --write`).
 */
const API_CONTRACT = 'docs/api/openapi.json';
const ROUTED_SERVICES: readonly OptionalService[] = ['identity', 'orders'];

/** Whether the project is created without the API contract, to generate it after install. */
export function removesApiContract(removed: readonly OptionalService[]): boolean {
  return removed.some((service) => ROUTED_SERVICES.includes(service));
}

/**
 * Examples built on orders, the example domain: the canary overlay releases `orders-canary`, and
 * the backup drill dumps and restores orders' database (its tenancy under row-level security).
 */
const BUILT_ON_ORDERS = [
  'infra/k8s/overlays/canary/',
  'infra/check/src/canary-overlay.test.ts',
  'infra/check/src/backup-drill.int.test.ts',
];

/** The benchmark starts identity (for tokens) and orders behind the gateway. */
const BENCH_NEEDS: readonly OptionalService[] = ['identity', 'orders'];

/** Whether the project loses the `bench/` workspace. */
export function removesBench(removed: readonly OptionalService[]): boolean {
  return removed.some((service) => BENCH_NEEDS.includes(service));
}

/** The file's text without references to the removed services; the same string when none. */
export function pruneServiceReferences(
  path: string,
  text: string,
  removed: readonly OptionalService[],
): string {
  if (path === 'package-lock.json') return prunePackageLock(text, removed);
  // The CLI's own commands (its end-to-end test) run in a workspace no project has.
  let pruned = dropCliCommands(path, text);
  const base = path.slice(path.lastIndexOf('/') + 1);
  if (base === 'package.json') {
    const namesCli = pruned.includes(CLI_WORKSPACE.name);
    return removed.length === 0 && !namesCli ? pruned : prunePackageJson(pruned, removed);
  }
  if (removed.length === 0) return pruned;
  if (removesBench(removed)) pruned = dropBenchCommands(path, pruned);
  if (path.startsWith('apps/gateway/src/')) pruned = pruneGatewayWiring(path, pruned, removed);
  if (base === 'kustomization.yaml') pruned = pruneKustomization(pruned, removed);
  if (path === 'docker-compose.yml') pruned = dropComposeServices(pruned, removed);
  if (/\.ya?ml$/.test(base)) pruned = pruneYaml(pruned, removed);
  if (/\.ya?ml$|\.sh$|^Dockerfile/.test(base)) pruned = pruneAppLists(pruned, removed);
  if (base === '.env.example') pruned = pruneEnvExample(pruned, removed);
  if (base.endsWith('.test.ts')) pruned = pruneTestEnumerations(pruned, removed);
  return pruned;
}

const DEPENDENCY_FIELDS = [
  'dependencies',
  'devDependencies',
  'peerDependencies',
  'optionalDependencies',
] as const;

function prunePackageJson(text: string, removed: readonly OptionalService[]): string {
  const manifest = JSON.parse(text) as Record<string, unknown>;
  const packages = new Set(removed.map((service) => `@groundwork/${service}`));
  let changed = false;
  for (const field of DEPENDENCY_FIELDS) {
    const dependencies = asRecord(manifest[field]);
    for (const name of Object.keys(dependencies ?? {})) {
      if (packages.has(name)) {
        delete dependencies?.[name];
        changed = true;
      }
    }
  }
  if (removesBench(removed) && Array.isArray(manifest.workspaces)) {
    const workspaces = manifest.workspaces.filter((workspace) => workspace !== 'bench');
    changed ||= workspaces.length !== manifest.workspaces.length;
    manifest.workspaces = workspaces;
  }
  const scripts = asRecord(manifest.scripts);
  for (const [name, command] of Object.entries(scripts ?? {})) {
    if (typeof command === 'string' && runsInRemovedWorkspace(command, removed)) {
      delete scripts?.[name];
      changed = true;
    }
  }
  // Untouched manifests keep their exact bytes, so only real edits show up in a diff.
  return changed ? `${JSON.stringify(manifest, null, 2)}\n` : text;
}

function runsInRemovedWorkspace(command: string, removed: readonly OptionalService[]): boolean {
  if (new RegExp(`(?:-w|--workspace)[= ]${CLI_WORKSPACE.name}(?![\\w-])`).test(command))
    return true;
  return removed.some((service) =>
    new RegExp(`(?:-w|--workspace)[= ]@groundwork/${service}(?![\\w-])`).test(command),
  );
}

/**
 * The CLI's end-to-end test is wired into the template's root: `npm run test:e2e` (dropped from
 * package.json with the other scripts that run in the CLI workspace), its `.ci/run` step (the
 * paragraph that runs it) and its README row.
 */
function dropCliCommands(path: string, text: string): string {
  if (path === '.ci/run') return withoutParagraphsNaming(text, 'npm run test:e2e');
  if (path === 'README.md') {
    return text
      .split('\n')
      .filter((line) => !line.startsWith('| `npm run test:e2e`'))
      .join('\n');
  }
  return text;
}

/** `text` without the blank-line-separated paragraphs that contain `needle` (a `.ci/run` step). */
function withoutParagraphsNaming(text: string, needle: string): string {
  return text
    .split('\n\n')
    .filter((paragraph) => !paragraph.includes(needle))
    .join('\n\n');
}

/**
 * The bench's commands outside `bench/`: the load test `.ci/run` and the CI workflow run
 * (`npm run load-mix`), and the README's rows and mention of them.
 */
function dropBenchCommands(path: string, text: string): string {
  if (path === '.ci/run') return withoutParagraphsNaming(text, 'npm run load-mix');
  if (path === '.github/workflows/ci.yml') {
    const lines = text.split('\n');
    const start = lines.findIndex((line) => line.includes('run: npm run load-mix'));
    if (start === -1) return text;
    // The step's `- name:` line above the run, through the line before the next step.
    const first = lines.findLastIndex((line, index) => index < start && /^\s*- name:/.test(line));
    let end = start + 1;
    while (end < lines.length && !/^\s*- name:/.test(lines[end] as string) && lines[end] !== '') {
      end += 1;
    }
    return [...lines.slice(0, first), ...lines.slice(end)].join('\n');
  }
  if (path === 'README.md') {
    return text
      .split('\n')
      .filter((line) => !line.includes('-w @groundwork/bench`'))
      .join('\n')
      .replace(', a 10 s `load-mix` (fails on a failed call or a lost order)', '');
  }
  return text;
}

function prunePackageLock(text: string, removed: readonly OptionalService[]): string {
  const lock = JSON.parse(text) as { packages?: Record<string, Record<string, unknown>> };
  const workspaces = [
    ...removed.map((service) => ({ dir: `apps/${service}`, name: `@groundwork/${service}` })),
    ...(removesBench(removed) ? [{ dir: 'bench', name: '@groundwork/bench' }] : []),
    CLI_WORKSPACE,
  ];
  const entries = lock.packages ?? {};
  let changed = false;
  const root = entries[''];
  if (root !== undefined && Array.isArray(root.workspaces)) {
    const dirs = new Set(workspaces.map(({ dir }) => dir));
    const kept = root.workspaces.filter((workspace) => !dirs.has(workspace));
    changed ||= kept.length !== root.workspaces.length;
    root.workspaces = kept;
  }
  for (const key of Object.keys(entries)) {
    const gone = workspaces.some(
      ({ dir, name }) => key === dir || key.startsWith(`${dir}/`) || key === `node_modules/${name}`,
    );
    if (gone) {
      delete entries[key];
      changed = true;
    }
  }
  for (const entry of Object.values(entries)) {
    for (const field of DEPENDENCY_FIELDS) {
      const dependencies = asRecord(entry[field]);
      for (const { name } of workspaces) {
        if (dependencies !== undefined && name in dependencies) {
          delete dependencies[name];
          changed = true;
        }
      }
    }
  }
  // npm writes its lockfile exactly like this, so an unchanged lock stays byte for byte.
  return changed ? `${JSON.stringify(lock, null, 2)}\n` : text;
}

function pruneKustomization(text: string, removed: readonly OptionalService[]): string {
  const names = removed.join('|');
  const resourceLine = new RegExp(`^\\s*-\\s+(?:${names})/?\\s*$`);
  const imageLine = new RegExp(`^\\s*-\\s*\\{\\s*name:\\s*groundwork/(?:${names})\\s*,`);
  return text
    .split('\n')
    .filter((line) => !resourceLine.test(line) && !imageLine.test(line))
    .join('\n');
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
