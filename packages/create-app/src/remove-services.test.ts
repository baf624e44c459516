import { describe, expect, it } from 'vitest';
import { pruneTodo } from './prune-todo.ts';
import { isRemovedPath, pruneServiceReferences } from './remove-services.ts';

describe('isRemovedPath', () => {
  it('when a service is removed, then its app and k8s folders go and look-alike paths stay', () => {
    const removed = ['orders'] as const;
    expect(isRemovedPath('apps/orders/src/main.ts', removed)).toBe(true);
    expect(isRemovedPath('infra/k8s/base/orders/deployment.yaml', removed)).toBe(true);
    expect(isRemovedPath('apps/orders-client/package.json', removed)).toBe(false);
    expect(isRemovedPath('apps/gateway/src/orders.ts', removed)).toBe(false);
    expect(isRemovedPath('apps/identity/package.json', removed)).toBe(false);
  });

  it('when a routed service is removed, then the API contract goes (the project writes its own); without the worker alone it stays', () => {
    expect(isRemovedPath('docs/api/openapi.json', ['identity'])).toBe(true);
    expect(isRemovedPath('docs/api/openapi.json', ['orders', 'worker'])).toBe(true);
    expect(isRemovedPath('docs/api/openapi.json', ['worker'])).toBe(false);
    expect(isRemovedPath('docs/api/README.md', ['identity'])).toBe(false);
  });

  it('when orders is removed, then the examples built on it go: the canary overlay and the backup drill', () => {
    expect(isRemovedPath('infra/k8s/overlays/canary/kustomization.yaml', ['orders'])).toBe(true);
    expect(isRemovedPath('infra/check/src/backup-drill.int.test.ts', ['orders'])).toBe(true);
    expect(isRemovedPath('infra/check/src/canary-overlay.test.ts', ['orders'])).toBe(true);
    expect(isRemovedPath('infra/k8s/overlays/canary/kustomization.yaml', ['identity'])).toBe(false);
    expect(isRemovedPath('infra/k8s/overlays/prod/kustomization.yaml', ['orders'])).toBe(false);
  });
});

describe('pruneServiceReferences in the gateway', () => {
  it('when identity is removed, then its upstream name and route rows leave the route table', () => {
    const text = [
      "export const UPSTREAMS = ['identity', 'orders'] as const;",
      'export const ROUTE_TABLE: readonly RouteEntry<UpstreamName>[] = [',
      "  { prefix: '/v1/auth', upstream: 'identity', access: 'public', rateLimit: 'auth' },",
      "  { prefix: '/v1/orders', upstream: 'orders', access: 'token', rateLimit: 'standard' },",
      "  { prefix: '/v1/identity-export', upstream: 'identity-export', access: 'token', rateLimit: 'standard' },",
      '];',
    ].join('\n');
    expect(pruneServiceReferences('apps/gateway/src/route-table.ts', text, ['identity'])).toBe(
      [
        "export const UPSTREAMS = ['orders'] as const;",
        'export const ROUTE_TABLE: readonly RouteEntry<UpstreamName>[] = [',
        "  { prefix: '/v1/orders', upstream: 'orders', access: 'token', rateLimit: 'standard' },",
        "  { prefix: '/v1/identity-export', upstream: 'identity-export', access: 'token', rateLimit: 'standard' },",
        '];',
      ].join('\n'),
    );
    expect(
      pruneServiceReferences('apps/gateway/src/route-table.ts', text, ['identity', 'orders']),
    ).toContain('export const UPSTREAMS = [] as const;');
  });

  it('when orders is removed, then its URL setting, its expected default and its origin go, and JWKS_URL stays', () => {
    const config = [
      "  IDENTITY_URL: url('http://127.0.0.1:3001', 'Origin of the identity service'),",
      "  ORDERS_URL: url('http://127.0.0.1:3002', 'Origin of the orders service'),",
      '  JWKS_URL: url(',
    ].join('\n');
    expect(pruneServiceReferences('apps/gateway/src/config.ts', config, ['orders'])).toBe(
      [
        "  IDENTITY_URL: url('http://127.0.0.1:3001', 'Origin of the identity service'),",
        '  JWKS_URL: url(',
      ].join('\n'),
    );
    const expected = "      ORDERS_URL: 'http://127.0.0.1:3002',\n      JWKS_URL: 'x',";
    expect(pruneServiceReferences('apps/gateway/src/config.test.ts', expected, ['orders'])).toBe(
      "      JWKS_URL: 'x',",
    );
    const app = [
      '  const origins = {',
      '    identity: config.IDENTITY_URL,',
      '    orders: config.ORDERS_URL,',
      '  } satisfies Record<UpstreamName, string>;',
    ].join('\n');
    expect(pruneServiceReferences('apps/gateway/src/app.ts', app, ['orders'])).toBe(
      [
        '  const origins = {',
        '    identity: config.IDENTITY_URL,',
        '  } satisfies Record<UpstreamName, string>;',
      ].join('\n'),
    );
  });

  it("when a gateway test routes its own fixture table, then its rows stay (they don't name the project's services)", () => {
    const text =
      "  { prefix: '/v1/users', upstream: 'identity', access: 'public', rateLimit: 'standard' },";
    expect(
      pruneServiceReferences('apps/gateway/src/resilience.int.test.ts', text, ['identity']),
    ).toBe(text);
  });
});

describe('pruneServiceReferences', () => {
  it('when a package.json depends on or runs in a removed service, then those entries go', () => {
    const text = `${JSON.stringify(
      {
        name: '@groundwork/e2e',
        scripts: {
          seed: 'npm run db:seed -w @groundwork/orders',
          dlq: 'npm run jobs:dlq --workspace=@groundwork/worker --',
          other: 'npm run x -w @groundwork/orders-client',
        },
        dependencies: { '@groundwork/orders': '*', '@groundwork/orders-client': '*' },
        devDependencies: { '@groundwork/worker': '*', vitest: '^5' },
      },
      null,
      2,
    )}\n`;
    const pruned = JSON.parse(
      pruneServiceReferences('e2e/package.json', text, ['orders', 'worker']),
    );
    expect(pruned.scripts).toEqual({ other: 'npm run x -w @groundwork/orders-client' });
    expect(pruned.dependencies).toEqual({ '@groundwork/orders-client': '*' });
    expect(pruned.devDependencies).toEqual({ vitest: '^5' });
  });

  it('when a package.json names no removed service, then its bytes are unchanged', () => {
    const text = '{ "name": "x",   "dependencies": { "@groundwork/errors": "*" } }';
    expect(pruneServiceReferences('package.json', text, ['orders'])).toBe(text);
  });

  it('when a kustomization lists a removed service, then its resource and image lines go', () => {
    const text = [
      'resources:',
      '  - gateway',
      '  - orders',
      '  - orders-canary',
      'images:',
      '  - { name: groundwork/orders, newTag: latest }',
      '  - { name: groundwork/orders-canary, newTag: 0.2.0 }',
      '',
    ].join('\n');
    expect(pruneServiceReferences('infra/k8s/base/kustomization.yaml', text, ['orders'])).toBe(
      [
        'resources:',
        '  - gateway',
        '  - orders-canary',
        'images:',
        '  - { name: groundwork/orders-canary, newTag: 0.2.0 }',
        '',
      ].join('\n'),
    );
  });

  it('when nothing is removed, then no file changes', () => {
    expect(pruneServiceReferences('package.json', 'not json at all', [])).toBe('not json at all');
  });
});

describe('pruneServiceReferences on package-lock.json', () => {
  const lock = {
    name: 'groundwork',
    lockfileVersion: 3,
    packages: {
      '': { name: 'groundwork', workspaces: ['apps/*', 'packages/*'] },
      'apps/orders': { name: '@groundwork/orders', dependencies: { mercurius: '^16' } },
      'apps/orders/node_modules/pg': { version: '8.0.0' },
      'apps/orders-client': { name: '@groundwork/orders-client' },
      e2e: { devDependencies: { '@groundwork/orders': '*', '@groundwork/errors': '*' } },
      'node_modules/@groundwork/orders': { resolved: 'apps/orders', link: true },
      'node_modules/@groundwork/orders-client': { resolved: 'apps/orders-client', link: true },
      'node_modules/create-groundwork': { resolved: 'packages/create-app', link: true },
      'node_modules/mercurius': { version: '16.0.0' },
      'packages/create-app': { name: 'create-groundwork' },
    },
  };
  const text = `${JSON.stringify(lock, null, 2)}\n`;

  it('when a service is removed, then its workspace, link and dependents entries go, and the CLI too', () => {
    const pruned = JSON.parse(pruneServiceReferences('package-lock.json', text, ['orders']));
    expect(Object.keys(pruned.packages)).toEqual([
      '',
      'apps/orders-client',
      'e2e',
      'node_modules/@groundwork/orders-client',
      'node_modules/mercurius',
    ]);
    expect(pruned.packages.e2e.devDependencies).toEqual({ '@groundwork/errors': '*' });
  });

  it('when nothing is removed, then only the CLI workspace leaves the lock', () => {
    const pruned = JSON.parse(pruneServiceReferences('package-lock.json', text, []));
    expect(Object.keys(pruned.packages)).toHaveLength(Object.keys(lock.packages).length - 2);
    expect(pruned.packages['packages/create-app']).toBeUndefined();
    expect(pruned.packages['node_modules/create-groundwork']).toBeUndefined();
  });

  it('when a lockfile is not at the root, then it is left alone', () => {
    expect(pruneServiceReferences('bench/package-lock.json', text, ['orders'])).toBe(text);
  });
});

describe('isRemovedPath beyond the service folders', () => {
  it('when any service is removed, then the four-app journey test goes and the rest of e2e stays', () => {
    expect(isRemovedPath('e2e/src/order-journey.int.test.ts', ['worker'])).toBe(true);
    expect(isRemovedPath('e2e/src/observability-config.test.ts', ['worker'])).toBe(false);
    expect(isRemovedPath('e2e/src/order-journey.int.test.ts', [])).toBe(false);
  });

  it('when identity or orders is removed, then bench goes; without the worker it stays', () => {
    expect(isRemovedPath('bench/src/stack.ts', ['identity'])).toBe(true);
    expect(isRemovedPath('bench/src/stack.ts', ['orders'])).toBe(true);
    expect(isRemovedPath('bench/src/stack.ts', ['worker'])).toBe(false);
  });

  it('when bench goes, then .ci/run, the CI workflow and the README lose its load test', () => {
    const ciRun = [
      'step "TODO"\nnpm run todo:check',
      '# A load test\nstep "Load test"\nLOAD_MIX_SECONDS=10 npm run load-mix -w @groundwork/bench',
      'step "Deployment"\nnpm run infra:check\n',
    ].join('\n\n');
    const workflow = [
      '      - name: TODO evidence',
      '        run: npm run todo:check',
      '      - name: Load test (the mix)',
      '        run: npm run load-mix -w @groundwork/bench',
      '        env:',
      '          LOAD_MIX_SECONDS: "10"',
      '      - name: Deployment artifacts',
      '        run: npm run infra:check',
      '',
    ].join('\n');
    const readme = [
      '| `npm run bench` | benchmarks |',
      '| `npm run load-mix -w @groundwork/bench` | a realistic load |',
      '| `bash .ci/run` | `npm test`, `todo:check`, a 10 s `load-mix` (fails on a failed call or a lost order), `infra:check` |',
    ].join('\n');

    expect(pruneServiceReferences('.ci/run', ciRun, ['orders'])).toBe(
      'step "TODO"\nnpm run todo:check\n\nstep "Deployment"\nnpm run infra:check\n',
    );
    expect(pruneServiceReferences('.github/workflows/ci.yml', workflow, ['identity'])).toBe(
      [
        '      - name: TODO evidence',
        '        run: npm run todo:check',
        '      - name: Deployment artifacts',
        '        run: npm run infra:check',
        '',
      ].join('\n'),
    );
    expect(pruneServiceReferences('README.md', readme, ['orders'])).toBe(
      '| `npm run bench` | benchmarks |\n| `bash .ci/run` | `npm test`, `todo:check`, `infra:check` |',
    );
    // Without the worker the bench stays, and so does its load test.
    expect(pruneServiceReferences('.ci/run', ciRun, ['worker'])).toBe(ciRun);
  });

  it('when bench goes, then the root package.json and lock drop its workspace', () => {
    const manifest = { name: 'groundwork', workspaces: ['apps/*', 'bench', 'e2e'] };
    const pruned = JSON.parse(
      pruneServiceReferences('package.json', JSON.stringify(manifest), ['identity']),
    );
    expect(pruned.workspaces).toEqual(['apps/*', 'e2e']);
    const lock = {
      packages: {
        '': { workspaces: ['apps/*', 'bench'] },
        bench: { name: '@groundwork/bench' },
        'node_modules/@groundwork/bench': { resolved: 'bench', link: true },
      },
    };
    const prunedLock = JSON.parse(
      pruneServiceReferences('package-lock.json', JSON.stringify(lock), ['identity']),
    );
    expect(prunedLock.packages).toEqual({ '': { workspaces: ['apps/*'] } });
  });
});

describe('pruneServiceReferences in deployment files', () => {
  it('when docker-compose.yml has the removed service, then its block, depends_on and env lines go', () => {
    const compose = [
      'services:',
      '  migrate:',
      '    args: { APP: identity orders worker }',
      '    environment:',
      '      ORDERS_DATABASE_URL: postgresql://x/groundwork_orders',
      '      WORKER_DATABASE_URL: postgresql://x/groundwork_worker',
      '',
      '  worker:',
      '    image: groundwork/worker',
      '    depends_on:',
      '      migrate: { condition: service_completed_successfully }',
      '',
      '  gateway:',
      '    depends_on:',
      '      worker: { condition: service_healthy }',
      '      orders: { condition: service_healthy }',
      '',
    ].join('\n');
    expect(pruneServiceReferences('docker-compose.yml', compose, ['worker'])).toBe(
      [
        'services:',
        '  migrate:',
        '    args: { APP: identity orders }',
        '    environment:',
        '      ORDERS_DATABASE_URL: postgresql://x/groundwork_orders',
        '',
        '  gateway:',
        '    depends_on:',
        '      orders: { condition: service_healthy }',
        '',
      ].join('\n'),
    );
  });

  it('when a YAML list has items named after the service, then each goes with its indented lines', () => {
    const overlay = [
      'secretGenerator:',
      '  - name: worker-database',
      '    literals: [url=postgresql://postgres@postgres/groundwork_worker]',
      '  - name: migrate-database',
      '    literals:',
      '      - orders-url=x',
      'env:',
      '  - name: WORKER_DATABASE_URL',
      '    valueFrom: { secretKeyRef: { name: migrate-database, key: worker-url } }',
      '  - name: WORKERS',
      'data:',
      '  - secretKey: worker-url',
      '    remoteRef: { key: groundwork/prod/owner }',
      'scrape_configs:',
      '  - job_name: worker',
      '    static_configs:',
      '      - targets: ["worker:3003"]',
      '  - job_name: redis',
      'matrix:',
      '  - { image: worker, app: worker, target: runtime }',
      '  - { image: migrate, app: identity orders worker, target: migrate }',
    ].join('\n');
    expect(pruneServiceReferences('infra/k8s/overlays/dev/x.yaml', overlay, ['worker'])).toBe(
      [
        'secretGenerator:',
        '  - name: migrate-database',
        '    literals:',
        '      - orders-url=x',
        'env:',
        '  - name: WORKERS',
        'data:',
        'scrape_configs:',
        '  - job_name: redis',
        'matrix:',
        '  - { image: migrate, app: identity orders, target: migrate }',
      ].join('\n'),
    );
  });

  it("when a YAML document is the removed service's own, then the document goes", () => {
    const secrets = [
      '# header',
      'kind: ExternalSecret',
      'metadata:',
      '  name: worker-database',
      '---',
      'kind: ExternalSecret',
      'metadata:',
      '  name: orders-database',
      '---',
      'kind: ExternalSecret',
      'metadata:',
      '  name: worker',
      '',
    ].join('\n');
    expect(pruneServiceReferences('x/external-secrets.yaml', secrets, ['worker'])).toBe(
      ['# header', 'kind: ExternalSecret', 'metadata:', '  name: orders-database', ''].join('\n'),
    );
  });

  it('when a line lists apps, then the removed ones leave the list and prose stays', () => {
    const text = [
      'APPS: gateway identity orders worker',
      'for db in groundwork_identity groundwork_orders groundwork_worker; do',
      'values: [identity, orders, worker, migrate, postgres-backup]',
      'summary: "worker worker:3003 does not answer"',
      'the worker refuses to start',
      'values: [a, b]',
    ].join('\n');
    expect(pruneServiceReferences('.github/workflows/deploy.yml', text, ['worker'])).toBe(
      [
        'APPS: gateway identity orders',
        'for db in groundwork_identity groundwork_orders; do',
        'values: [identity, orders, migrate, postgres-backup]',
        'summary: "worker worker:3003 does not answer"',
        'the worker refuses to start',
        'values: [a, b]',
      ].join('\n'),
    );
    expect(
      pruneServiceReferences('infra/docker/Dockerfile', 'APP="identity orders worker"', ['worker']),
    ).toBe('APP="identity orders"');
    expect(
      pruneServiceReferences('infra/docker/migrate.sh', 'for a in orders worker; do', ['worker']),
    ).toBe('for a in orders; do');
    expect(pruneServiceReferences('docs/x.md', 'identity orders worker', ['worker'])).toBe(
      'identity orders worker',
    );
  });

  it("when .env.example has the removed service's variables, then those lines go", () => {
    const env = 'ORDERS_PORT=3002\nWORKER_PORT=3003\nNOTIFICATION_CHANNEL=log\n';
    expect(pruneServiceReferences('.env.example', env, ['worker'])).toBe(
      'ORDERS_PORT=3002\nNOTIFICATION_CHANNEL=log\n',
    );
  });

  it('when a test enumerates the apps, then the removed ones leave its lists and expected lines', () => {
    const test = [
      "expect(deployments).toEqual(['gateway', 'identity', 'orders', 'worker']);",
      "it.each(['gateway', 'worker'])('x', () => {});",
      "  'orders-database',",
      "  'worker-database',",
      "  worker: ['worker:3003'],",
      "  orders: ['orders:3002'],",
      "const name = 'worker-token';",
    ].join('\n');
    expect(pruneServiceReferences('infra/check/src/overlays.test.ts', test, ['worker'])).toBe(
      [
        "expect(deployments).toEqual(['gateway', 'identity', 'orders']);",
        "it.each(['gateway'])('x', () => {});",
        "  'orders-database',",
        "  orders: ['orders:3002'],",
        "const name = 'worker-token';",
      ].join('\n'),
    );
    expect(
      pruneServiceReferences('apps/gateway/src/app.ts', "['orders', 'worker']", ['worker']),
    ).toBe("['orders', 'worker']");
  });
});

describe("pruneServiceReferences of the CLI's own commands", () => {
  it('when nothing is removed, then the root still loses test:e2e, its .ci/run step and README row', () => {
    const manifest = {
      scripts: {
        test: 'turbo run test',
        'test:e2e': 'npm run test:e2e -w create-groundwork --',
      },
    };
    expect(
      JSON.parse(pruneServiceReferences('package.json', JSON.stringify(manifest), [])).scripts,
    ).toEqual({ test: 'turbo run test' });
    const run = [
      'step "Test"',
      'npm test',
      '',
      '# One create-app selection',
      'step "create-app end to end"',
      'npm run test:e2e -- -t "identity and orders only"',
      '',
      'step "Summary"',
      '',
    ].join('\n');
    expect(pruneServiceReferences('.ci/run', run, [])).toBe(
      ['step "Test"', 'npm test', '', 'step "Summary"', ''].join('\n'),
    );
    const readme =
      '| `npm test` | tests |\n| `npm run test:e2e` | packs the CLI |\n| `npm run lint` | lint |';
    expect(pruneServiceReferences('README.md', readme, [])).toBe(
      '| `npm test` | tests |\n| `npm run lint` | lint |',
    );
    expect(pruneServiceReferences('docs/x.md', readme, [])).toBe(readme);
  });
});

describe('pruneTodo', () => {
  const todo = [
    '- [x] **A-1** Queue',
    '  Evidence: `packages/queue/src/create-worker.ts`; test: "when a job is enqueued, then it runs"',
    '- [x] **A-2** `apps/worker`: processors',
    '  Evidence: `apps/worker/src/app.ts`; test: "when the worker starts, then it relays"',
    '- [x] **A-3** Journey',
    '  Evidence: `e2e/`; test: "when an order is placed, then the worker \\"notifies\\""',
    '- [ ] **A-4** Exports',
    '  Evidence: planned (#6): `apps/worker/src/jobs/`',
    '- [ ] **A-5** Versioning',
    '  Evidence: planned (#7): `docs/api/`',
    '- [-] **A-6** Python',
    '  Evidence: N/A — Python guidance; apps/worker fills this role',
    '```markdown',
    '- [x] **A-7** In a fence',
    '  Evidence: `apps/worker/src/app.ts`',
    '```',
    '1. **Next**: things.',
    '   Covers: A-4, A-5',
    '2. **Worker**: things.',
    '   Covers: A-4',
    '',
  ].join('\n');
  const project = {
    files: new Set(['packages/queue/src/create-worker.ts', 'e2e/package.json']),
    testSources: ["test('when a job is enqueued, then it runs', () => {})"],
  };

  it('when evidence names removed paths or undeclared tests, then the item is N/A with what it was', () => {
    const lines = pruneTodo(todo, ['worker'], project).split('\n');
    expect(lines[0]).toBe('- [x] **A-1** Queue');
    expect(lines[2]).toBe('- [-] **A-2** `apps/worker`: processors');
    expect(lines[3]).toBe(
      '  Evidence: N/A — left out at creation: this project has no worker; was: `apps/worker/src/app.ts`; test: "when the worker starts, then it relays"',
    );
    expect(lines[4]).toBe('- [-] **A-3** Journey');
    expect(lines[6]).toBe('- [-] **A-4** Exports');
    expect(lines[8]).toBe('- [ ] **A-5** Versioning');
    expect(lines[10]).toBe('- [-] **A-6** Python');
    expect(lines[13]).toBe('- [x] **A-7** In a fence');
  });

  it('when an item becomes N/A, then it leaves the Covers lines and an empty Covers line goes', () => {
    const pruned = pruneTodo(todo, ['worker'], project);
    expect(pruned.split('```\n')[1]).toBe(
      '1. **Next**: things.\n   Covers: A-5\n2. **Worker**: things.\n',
    );
  });

  it('when a declared title has an escaped quote, then it still counts as declared', () => {
    const declared = {
      ...project,
      files: new Set([...project.files, 'e2e/src/journey.test.ts']),
      testSources: ['test(\'when an order is placed, then the worker "notifies"\', () => {})'],
    };
    expect(pruneTodo(todo, ['worker'], declared).split('\n')[4]).toBe('- [x] **A-3** Journey');
  });

  it('when nothing is removed, then only items of the create-groundwork CLI change', () => {
    const cli = [
      '- [x] **B-1** `packages/create-app`: the CLI',
      '  Evidence: `packages/create-app/src/cli.ts`; test: "when create-app runs, then it works"',
      '- [ ] **B-2** Upgrade',
      '  Evidence: planned (#10): `packages/create-app/src/upgrade.ts`',
      '- [x] **B-3** Queue',
      '  Evidence: `packages/queue/src/create-worker.ts`',
      '   Covers: B-2',
      '',
    ].join('\n');
    const kept = { files: new Set(['packages/queue/src/create-worker.ts']), testSources: [] };
    expect(pruneTodo(cli, [], kept)).toBe(
      [
        '- [-] **B-1** `packages/create-app`: the CLI',
        '  Evidence: N/A — left out at creation: this project has no create-groundwork CLI; was: `packages/create-app/src/cli.ts`; test: "when create-app runs, then it works"',
        '- [-] **B-2** Upgrade',
        '  Evidence: N/A — left out at creation: this project has no create-groundwork CLI; was: planned (#10): `packages/create-app/src/upgrade.ts`',
        '- [x] **B-3** Queue',
        '  Evidence: `packages/queue/src/create-worker.ts`',
        '',
      ].join('\n'),
    );
  });
});
