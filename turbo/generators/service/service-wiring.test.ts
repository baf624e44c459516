import { describe, expect, it } from 'vitest';
import { serviceNames } from './service-names.ts';
import { serviceWiring, WiringError } from './service-wiring.ts';

const names = serviceNames('payments', 3004);
const edit = (path: string) => {
  const found = serviceWiring(names).find((candidate) => candidate.path === path);
  if (found === undefined) throw new Error(`no edit for ${path}`);
  return found;
};

describe('serviceWiring', () => {
  it('when the route table has its usual shape, then the upstream and a token route are added', () => {
    // 'catalog' is no app of the template: create-app, which prunes lists of app names from the
    // tests of a project without some service, leaves this list as it is.
    const text = `export const UPSTREAMS = ['catalog', 'orders'] as const;
export const ROUTE_TABLE: readonly RouteEntry[] = [
  { prefix: '/v1/orders', upstream: 'orders', access: 'token', rateLimit: 'standard' },
];
`;

    expect(
      edit('apps/gateway/src/route-table.ts').apply(text),
    ).toBe(`export const UPSTREAMS = ['catalog', 'orders', 'payments'] as const;
export const ROUTE_TABLE: readonly RouteEntry[] = [
  { prefix: '/v1/orders', upstream: 'orders', access: 'token', rateLimit: 'standard' },
  { prefix: '/v1/payments', upstream: 'payments', access: 'token', rateLimit: 'standard' },
];
`);
  });

  it('when the origins are checked against the upstream names, then the new origin joins them and the check stays', () => {
    const text = `  const origins = {
    identity: config.IDENTITY_URL,
    orders: config.ORDERS_URL,
  } satisfies Record<UpstreamName, string>;`;

    expect(edit('apps/gateway/src/app.ts').apply(text)).toBe(
      '  const origins = { identity: config.IDENTITY_URL,\n    orders: config.ORDERS_URL, payments: config.PAYMENTS_URL } satisfies Record<UpstreamName, string>;',
    );
  });

  it('when the project kept no service but the gateway, then the lists start with the new one', () => {
    expect(edit('apps/gateway/src/app.ts').apply('const origins = {};')).toBe(
      'const origins = { payments: config.PAYMENTS_URL };',
    );
    expect(
      edit('apps/gateway/src/route-table.ts').apply(
        'export const UPSTREAMS = [] as const;\nexport const ROUTE_TABLE: readonly RouteEntry[] = [\n];\n',
      ),
    ).toContain("export const UPSTREAMS = ['payments'] as const;");
    expect(
      edit('apps/gateway/src/config.ts').apply(
        '  ...serviceEnv({ port: 3000 }),\n  REDIS_URL: env.redisUrl(),\n',
      ),
    ).toContain(
      "  REDIS_URL: env.redisUrl(),\n  PAYMENTS_URL: url('http://127.0.0.1:3004', 'Origin of the payments service'),",
    );
  });

  it('when a file changed shape, then the edit refuses with the file and what it looked for', () => {
    expect(() => edit('apps/gateway/src/app.ts').apply('const upstreams = {};')).toThrow(
      new WiringError('apps/gateway/src/app.ts', 'const origins = { ... };'),
    );
  });

  it('when the API check has devDependencies, then the service joins them in npm order; without any, they start with it', () => {
    const apiCheck = edit('packages/api-check/package.json');
    const manifest = `{
  "name": "@groundwork/api-check",
  "devDependencies": {
    "@groundwork/orders": "*",
    "@groundwork/testing": "*"
  }
}
`;

    expect(apiCheck.optional).toBe(true);
    expect(apiCheck.apply(manifest)).toBe(`{
  "name": "@groundwork/api-check",
  "devDependencies": {
    "@groundwork/orders": "*",
    "@groundwork/payments": "*",
    "@groundwork/testing": "*"
  }
}
`);
    expect(JSON.parse(apiCheck.apply('{ "name": "x" }'))).toEqual({
      name: 'x',
      devDependencies: { '@groundwork/payments': '*' },
    });
  });

  it('when compose has the migrate and gateway services, then the service, its migration and the gateway link are added', () => {
    const compose = `services:
  migrate:
    build:
      target: migrate
      args: { APP: identity orders }
    environment:
      ORDERS_DATABASE_URL: postgresql://postgres@postgres:5432/groundwork_orders

  gateway:
    environment:
      PORT: "3000"
      ORDERS_URL: http://orders:3002
    depends_on:
      orders: { condition: service_healthy }
`;

    const wired = edit('docker-compose.yml').apply(compose);

    expect(wired).toContain('args: { APP: identity orders payments }');
    expect(wired).toContain(
      '      PAYMENTS_DATABASE_URL: postgresql://$' +
        '{POSTGRES_USER:-postgres}:$' +
        '{POSTGRES_PASSWORD:-postgres}@postgres:5432/groundwork_payments\n',
    );
    expect(wired).toContain('  payments:\n    <<: *app\n');
    expect(wired).toContain(
      '      ORDERS_URL: http://orders:3002\n      PAYMENTS_URL: http://payments:3004\n',
    );
    expect(wired.endsWith('      payments: { condition: service_healthy }\n')).toBe(true);
  });

  it('when the overlays hold the apps database Secrets, then the new one joins them: generated in dev, an ExternalSecret in staging and prod', () => {
    const dev = [
      'secretGenerator:',
      '  - name: orders-database',
      '    literals: [url=postgresql://postgres:postgres@postgres:5432/groundwork_orders]',
      '  - name: worker-outbox-sources',
      '    literals: [sources=orders]',
      '',
    ].join('\n');
    expect(edit('infra/k8s/overlays/dev/kustomization.yaml').apply(dev)).toContain(
      [
        '    literals: [url=postgresql://postgres:postgres@postgres:5432/groundwork_orders]',
        '  - name: payments-database',
        '    literals: [url=postgresql://postgres:postgres@postgres:5432/groundwork_payments]',
        '  - name: worker-outbox-sources',
      ].join('\n'),
    );
    const prod = edit('infra/k8s/overlays/prod/external-secrets.yaml').apply('kind: X\n');
    expect(prod).toContain('kind: X\n---\napiVersion: external-secrets.io/v1beta1\n');
    expect(prod).toContain('  target: { name: payments-database, creationPolicy: Owner }');
    expect(prod).toContain('remoteRef: { key: groundwork/prod/payments, property: database-url }');
    expect(edit('infra/k8s/overlays/staging/external-secrets.yaml').apply('')).toContain(
      'groundwork/staging/payments',
    );
  });
});
