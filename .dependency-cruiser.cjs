/**
 * Layer rules that `npm run lint` enforces. They encode STYLE.md: packages meet only through their
 * `exports` maps, domain code stays pure, production code never leans on test helpers.
 * @type {import('dependency-cruiser').IConfiguration}
 */
const INFRASTRUCTURE_PACKAGES = '^packages/(db|cache|queue|service-kit|telemetry|testing)/';
const INFRASTRUCTURE_MODULES =
  '(^|/)node_modules/(@prisma/|prisma/|pg/|ioredis/|bullmq/|fastify/|@fastify/|undici/|jose/|@opentelemetry/)';
const TEST_FILE = '\\.(test|int\\.test)\\.ts$|/test/';

module.exports = {
  forbidden: [
    {
      name: 'no-cross-package-relative-import',
      comment:
        'Import another workspace package by its name, through its exports map, never by ../ path.',
      severity: 'error',
      from: { path: '^(apps|packages)/([^/]+)/' },
      to: {
        dependencyTypes: ['local'],
        dependencyTypesNot: ['aliased-workspace'],
        pathNot: '^$1/$2/',
      },
    },
    {
      name: 'domain-is-pure',
      comment: 'src/domain holds business rules only: no adapters, frameworks, drivers or I/O.',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/domain/' },
      to: {
        path: [
          INFRASTRUCTURE_PACKAGES,
          INFRASTRUCTURE_MODULES,
          '^apps/[^/]+/src/(data|http|use-cases)/',
        ],
      },
    },
    {
      name: 'domain-does-no-io',
      comment: 'Domain code may not reach the file system, network or processes.',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/domain/' },
      to: {
        dependencyTypes: ['core'],
        path: '^(node:)?(fs|fs/promises|net|http|https|http2|dgram|dns|child_process|cluster|worker_threads)$',
      },
    },
    {
      name: 'use-cases-know-no-http',
      comment:
        'Use cases are called by routes, jobs and tests alike: they must not import the HTTP layer.',
      severity: 'error',
      from: { path: '^apps/[^/]+/src/use-cases/' },
      to: { path: ['^apps/[^/]+/src/http/', '(^|/)node_modules/(fastify|@fastify/)'] },
    },
    {
      name: 'production-code-uses-no-test-code',
      comment: 'Test helpers and fixtures never ship: only test files may import them.',
      severity: 'error',
      from: { path: '^(apps|packages)/[^/]+/src/', pathNot: [TEST_FILE, '^packages/testing/'] },
      to: { path: [TEST_FILE, '^packages/testing/', '(^|/)node_modules/(vitest|testcontainers)/'] },
    },
    {
      name: 'no-circular',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Generated Prisma clients exist only after `generate`; lint must not depend on it.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '(^|/)generated/' },
    },
  ],
  options: {
    // TypeScript 7 has no JavaScript API yet, so dependency-cruiser parses with swc.
    parser: 'swc',
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist|src/generated)/' },
    enhancedResolveOptions: {
      conditionNames: ['@groundwork/source', 'import', 'types', 'default'],
      extensions: ['.ts', '.js', '.mjs', '.cjs', '.json'],
      exportsFields: ['exports'],
      mainFields: ['module', 'main', 'types'],
    },
  },
};
