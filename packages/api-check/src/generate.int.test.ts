import { covers, ROUTE_TABLE } from '@groundwork/gateway/route-table';
import { describeWithServices } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { generateApiDocument } from './generate.ts';
import { namingViolations } from './naming.ts';

describeWithServices('the merged API document, generated offline', ['redis'], () => {
  test('when it is generated twice, then both runs give the same document, with every routed service path at a 1.x version', async () => {
    const first = await generateApiDocument();
    const second = await generateApiDocument();

    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
    expect(first.openapi).toBe('3.1.0');
    expect(first.info.version).toMatch(/^1\.\d+\.\d+$/);
    const paths = Object.keys(first.paths ?? {});
    // Every route of the gateway's table brings the paths of its service, and nothing else is
    // published but the gateway's own probes: whichever services the project has.
    for (const route of ROUTE_TABLE) {
      expect(
        paths.some((path) => covers(route.prefix, path)),
        `${route.prefix} (${route.upstream})`,
      ).toBe(true);
    }
    expect(
      paths.filter((path) => !ROUTE_TABLE.some((route) => covers(route.prefix, path))),
    ).toEqual(['/health/live', '/health/ready']);
    // The gateway routes only the API: the services' own probes and docs stay out.
    expect(Object.keys(first.paths ?? {}).filter((path) => path.startsWith('/metrics'))).toEqual(
      [],
    );
  }, 60_000);

  test('when the generated document is checked, then every /v1 path, parameter and field follows the naming rules', async () => {
    // The same document api:check compares with docs/api/openapi.json (which a new project
    // created without a service writes only after install).
    const generated = await generateApiDocument();

    expect(Object.keys(generated.paths ?? {}).some((path) => path.startsWith('/v1/'))).toBe(true);
    expect(namingViolations(generated)).toEqual([]);
  }, 60_000);
});
