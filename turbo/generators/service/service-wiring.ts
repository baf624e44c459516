import type { ServiceNames } from './service-names.ts';

/** One change to a file that exists: its path and a function from old text to new text. */
export interface FileEdit {
  readonly path: string;
  readonly apply: (text: string) => string;
  /**
   * Wiring the service itself does not depend on (a test that lists the upstreams by hand, the
   * API check's dependencies): done when the file has the template's shape, skipped (and
   * reported) when a project changed or removed it.
   */
  readonly optional?: true;
}

/** Raised when a file no longer has the shape an edit expects; nothing has been written then. */
export class WiringError extends Error {
  constructor(path: string, expected: string) {
    super(`${path}: cannot find ${expected}; wire the service there by hand`);
    this.name = 'WiringError';
  }
}

/**
 * The edits that wire a new service into what exists: the gateway's route table, upstream list,
 * config and origins; the API check's dependencies; docker-compose (the service, its migration,
 * the gateway's URL and dependency); the kustomize base; its database Secret in every overlay
 * (generated in dev, an ExternalSecret in staging and prod). Each edit finds its place by a pattern and fails loudly when
 * the file changed shape, rather than writing half a wiring.
 */
export function serviceWiring(n: ServiceNames): FileEdit[] {
  const databaseUrl = `postgresql://\${POSTGRES_USER:-postgres}:\${POSTGRES_PASSWORD:-postgres}@postgres:5432/groundwork_${n.snake}`;
  return [
    {
      path: 'apps/gateway/src/route-table.ts',
      apply: (text) => {
        const path = 'apps/gateway/src/route-table.ts';
        const upstreams = replaceOnce(
          text,
          /export const UPSTREAMS = \[([^\]]*)\] as const;/,
          (_match, list: string) =>
            `export const UPSTREAMS = [${appendItem(list, `'${n.kebab}'`)}] as const;`,
          path,
          'export const UPSTREAMS = [...] as const',
        );
        return insertBeforeClose(
          upstreams,
          'export const ROUTE_TABLE',
          '\n];',
          `\n  { prefix: '/v1/${n.kebab}', upstream: '${n.kebab}', access: 'token', rateLimit: 'standard' },`,
          path,
        );
      },
    },
    {
      path: 'apps/gateway/src/config.ts',
      apply: (text) =>
        insertAfterLast(
          text,
          // After the last upstream origin; in a project that kept no service, after REDIS_URL.
          /^ {2}(?:[A-Z_]+_URL: url\('http:\/\/127\.0\.0\.1:\d+', 'Origin of the [a-z-]+ service'\)|REDIS_URL: env\.redisUrl\(\)),$/gm,
          `\n  ${n.constant}_URL: url('http://127.0.0.1:${n.port}', 'Origin of the ${n.kebab} service'),`,
          'apps/gateway/src/config.ts',
          "an upstream origin like ORDERS_URL: url('http://127.0.0.1:3002', ...)",
        ),
    },
    {
      path: 'apps/gateway/src/app.ts',
      apply: (text) =>
        replaceOnce(
          text,
          /const origins = \{([^}]*)\}((?: satisfies [^;]+)?);/,
          (_match, entries: string, satisfies: string) =>
            `const origins = { ${appendItem(entries, `${keyOf(n.kebab)}: config.${n.constant}_URL`)} }${satisfies};`,
          'apps/gateway/src/app.ts',
          'const origins = { ... };',
        ),
    },
    {
      // `npm run api:check` finds the service through the route table; the dependency makes turbo
      // generate its Prisma client (`^generate`) before the check's tests import it.
      path: 'packages/api-check/package.json',
      optional: true,
      apply: (text) =>
        withDevDependency(text, `@groundwork/${n.kebab}`, 'packages/api-check/package.json'),
    },
    { path: 'docker-compose.yml', apply: (text) => wireCompose(text, n, databaseUrl) },
    {
      path: 'infra/k8s/base/kustomization.yaml',
      apply: (text) => {
        const path = 'infra/k8s/base/kustomization.yaml';
        const withResource = replaceOnce(
          text,
          /\nimages:\n/,
          () => `\n  - ${n.kebab}\nimages:\n`,
          path,
          'the images: list after resources:',
        );
        return insertAfterLast(
          withResource,
          /^ {2}- \{ name: groundwork\/[a-z-]+, newTag: [^}]+\}$/gm,
          `\n  - { name: groundwork/${n.kebab}, newTag: latest }`,
          path,
          'an image entry like - { name: groundwork/orders, newTag: latest }',
        );
      },
    },
    {
      // Dev's in-namespace Postgres: the Secret the Deployment reads, generated like orders'.
      path: 'infra/k8s/overlays/dev/kustomization.yaml',
      apply: (text) =>
        insertAfterLast(
          text,
          /^ {2}- name: [a-z-]+-database\n {4}literals: \[url=postgresql:\/\/[^\]]+\]$/gm,
          `\n  - name: ${n.kebab}-database\n    literals: [url=postgresql://postgres:postgres@postgres:5432/groundwork_${n.snake}]`,
          'infra/k8s/overlays/dev/kustomization.yaml',
          'a secretGenerator entry like - name: orders-database with literals: [url=...]',
        ),
    },
    ...(['staging', 'prod'] as const).map((environment) => ({
      // Managed Postgres: the URL comes from the secret manager, like every other app's.
      path: `infra/k8s/overlays/${environment}/external-secrets.yaml`,
      apply: (text: string) =>
        `${text.replace(/\n*$/, '\n')}${databaseExternalSecret(n, environment)}`,
    })),
  ];
}

/** The ExternalSecret of the service's database URL, as the overlays have one for each app. */
function databaseExternalSecret(n: ServiceNames, environment: 'staging' | 'prod'): string {
  return `---
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: ${n.kebab}-database
spec:
  refreshInterval: 1h
  secretStoreRef: { kind: ClusterSecretStore, name: groundwork }
  target: { name: ${n.kebab}-database, creationPolicy: Owner }
  data:
    - secretKey: url
      remoteRef: { key: groundwork/${environment}/${n.kebab}, property: database-url }
`;
}

/** The manifest with `name` among its devDependencies, sorted as npm sorts them. */
function withDevDependency(text: string, name: string, path: string): string {
  let manifest: Record<string, unknown>;
  try {
    manifest = JSON.parse(text) as Record<string, unknown>;
  } catch {
    throw new WiringError(path, 'a JSON manifest');
  }
  const current = manifest.devDependencies ?? {};
  if (typeof current !== 'object' || current === null || Array.isArray(current)) {
    throw new WiringError(path, 'devDependencies as an object');
  }
  manifest.devDependencies = Object.fromEntries(
    Object.entries({ ...current, [name]: '*' }).sort(([a], [b]) => a.localeCompare(b, 'en')),
  );
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** `a, b` + `c` → `a, b, c`; an empty list gets just `c`. */
function appendItem(list: string, item: string): string {
  const items = list.trim().replace(/,$/, '');
  return items === '' ? item : `${items}, ${item}`;
}

/** An object key for a kebab name: quoted only when it is not an identifier. */
function keyOf(kebab: string): string {
  return kebab.includes('-') ? `'${kebab}'` : kebab;
}

function wireCompose(text: string, n: ServiceNames, databaseUrl: string): string {
  const path = 'docker-compose.yml';
  let result = replaceOnce(
    text,
    /( {6}target: migrate\n {6}args: \{ APP: )([a-z -]+)( \})/,
    (_match, head: string, apps: string, tail: string) => `${head}${apps} ${n.kebab}${tail}`,
    path,
    'the migrate service with args: { APP: ... }',
  );
  result = insertAfterLast(
    result,
    /^ {6}[A-Z_]+_DATABASE_URL: .*$/gm,
    `\n      ${n.constant}_DATABASE_URL: ${databaseUrl}`,
    path,
    "the migrate service's <APP>_DATABASE_URL variables",
  );
  const service = `  ${n.kebab}:
    <<: *app
    build: { context: ., dockerfile: infra/docker/Dockerfile, args: { APP: ${n.kebab} } }
    image: groundwork/${n.kebab}:\${IMAGE_TAG:-local}
    environment:
      <<: *app-env
      PORT: "${n.port}"
      DATABASE_URL: ${databaseUrl}
    ports: ["\${${n.constant}_PORT:-${n.port}}:${n.port}"]
    healthcheck: *ready
    depends_on:
      migrate: { condition: service_completed_successfully }

`;
  result = replaceOnce(
    result,
    /^ {2}gateway:\n/m,
    (match) => `${service}${match}`,
    path,
    'the gateway service',
  );
  const gateway = /^ {2}gateway:\n(?: {4}.*\n)+/m.exec(result);
  if (gateway === null) throw new WiringError(path, 'the gateway service block');
  let block = insertAfterLast(
    gateway[0],
    /^ {6}(?:PORT: "\d+"|[A-Z_]+_URL: http:\/\/.*)$/gm,
    `\n      ${n.constant}_URL: http://${n.kebab}:${n.port}`,
    path,
    "the gateway's PORT",
  );
  block = block.replace(/\n$/, `\n      ${n.kebab}: { condition: service_healthy }\n`);
  if (!/ {4}depends_on:\n(?: {6}.*\n)+$/.test(block)) {
    throw new WiringError(path, "the gateway's depends_on as its last key");
  }
  return result.replace(gateway[0], () => block);
}

function replaceOnce(
  text: string,
  pattern: RegExp,
  replacement: (match: string, ...groups: string[]) => string,
  path: string,
  expected: string,
): string {
  const match = pattern.exec(text);
  if (match === null) throw new WiringError(path, expected);
  return (
    text.slice(0, match.index) +
    replacement(match[0], ...match.slice(1).map(String)) +
    text.slice(match.index + match[0].length)
  );
}

function insertAfterLast(
  text: string,
  pattern: RegExp,
  insertion: string,
  path: string,
  expected: string,
): string {
  const matches = [...text.matchAll(pattern)];
  const last = matches.at(-1);
  if (last === undefined) throw new WiringError(path, expected);
  const end = last.index + last[0].length;
  return text.slice(0, end) + insertion + text.slice(end);
}

function insertBeforeClose(
  text: string,
  start: string,
  close: string,
  insertion: string,
  path: string,
): string {
  const from = text.indexOf(start);
  const at = from === -1 ? -1 : text.indexOf(close, from);
  if (at === -1) throw new WiringError(path, `${start} ... ${close.trim()}`);
  return text.slice(0, at) + insertion + text.slice(at);
}
