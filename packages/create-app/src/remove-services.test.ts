import { describe, expect, it } from 'vitest';
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
