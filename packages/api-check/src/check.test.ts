import { describe, expect, test } from 'vitest';
import { canonicalJson, checkApi } from './check.ts';
import type { OpenApiDocument } from './openapi-diff.ts';

const ok = { responses: { 200: { description: 'OK' } } };

function api(version: string, paths: Record<string, Record<string, unknown>>): OpenApiDocument {
  return { openapi: '3.1.0', info: { title: 'gateway', version }, paths };
}

const v1 = api('1.0.0', { '/v1/orders': { get: ok }, '/v1/products': { get: ok } });
const withoutProducts = (version: string) => api(version, { '/v1/orders': { get: ok } });
const withUsers = (version: string) =>
  api(version, { ...v1.paths, '/v1/users/me': { get: ok } } as Record<
    string,
    Record<string, unknown>
  >);

describe('checkApi', () => {
  test('when the generated document equals the committed one, then the check passes and writes nothing', () => {
    const result = checkApi({ committed: v1, generated: structuredClone(v1), write: false });
    expect(result).toMatchObject({ exitCode: 0, write: false });
    expect(result.lines).toEqual(['docs/api/openapi.json is up to date (version 1.0.0)']);
  });

  test('when a breaking change comes without a major version bump, then the check fails, even with --write', () => {
    for (const version of ['1.0.0', '1.1.0']) {
      for (const write of [false, true]) {
        const result = checkApi({ committed: v1, generated: withoutProducts(version), write });
        expect(result).toMatchObject({ exitCode: 1, write: false });
        expect(result.lines[0]).toBe('breaking  /v1/products: path removed');
        expect(result.lines.at(-1)).toMatch(/^1 breaking change\(s\) without a major version bump/);
      }
    }
  });

  test('when a breaking change comes with a major version bump, then --write updates the document', () => {
    const result = checkApi({ committed: v1, generated: withoutProducts('2.0.0'), write: true });
    expect(result).toMatchObject({ exitCode: 0, write: true });
    expect(result.lines.at(-1)).toBe(
      'docs/api/openapi.json updated: 1 breaking, 0 additive change(s), version 1.0.0 -> 2.0.0',
    );
  });

  test('when an allowed change is not written, then the check fails saying to run --write', () => {
    for (const generated of [withUsers('1.1.0'), withUsers('1.0.0'), withoutProducts('2.0.0')]) {
      const result = checkApi({ committed: v1, generated, write: false });
      expect(result).toMatchObject({ exitCode: 1, write: false });
      expect(result.lines.at(-1)).toMatch(
        /^docs\/api\/openapi.json is out of date \(.*\): run `npm run api:check -- --write` and commit it$/,
      );
    }
  });

  test('when an additive change is written, then the check passes and reports it one line per change', () => {
    const result = checkApi({ committed: v1, generated: withUsers('1.1.0'), write: true });
    expect(result).toMatchObject({ exitCode: 0, write: true });
    expect(result.lines).toEqual([
      'additive  /v1/users/me: path added',
      'docs/api/openapi.json updated: 0 breaking, 1 additive change(s), version 1.0.0 -> 1.1.0',
    ]);
  });

  test('when only a description changed and it is not written, then the check fails as out of date', () => {
    const described = structuredClone(v1);
    (described.info as Record<string, unknown>).description = 'The Groundwork API';
    const result = checkApi({ committed: v1, generated: described, write: false });
    expect(result.exitCode).toBe(1);
    expect(result.lines).toEqual([
      'docs/api/openapi.json is out of date (descriptions or other annotations changed): run `npm run api:check -- --write` and commit it',
    ]);
  });

  test('when a generated path breaks the naming rules, then the check fails naming it, even with --write', () => {
    const singular = api('1.1.0', { ...v1.paths, '/v1/order/{orderId}': { get: ok } } as Record<
      string,
      Record<string, unknown>
    >);
    const result = checkApi({ committed: v1, generated: singular, write: true });
    expect(result).toMatchObject({ exitCode: 1, write: false });
    expect(result.lines[0]).toBe(
      'naming    /v1/order/{orderId}: collection "order" is not a plural noun',
    );
  });

  test('when the version is not semver or goes down, then the check fails', () => {
    expect(checkApi({ committed: v1, generated: withUsers('1.1'), write: true }).exitCode).toBe(1);
    const down = checkApi({ committed: withUsers('1.1.0'), generated: v1, write: true });
    expect(down.exitCode).toBe(1);
    expect(down.lines.at(-1)).toBe('info.version went down from 1.1.0 to 1.0.0');
  });

  test('when there is no committed document, then --write creates it and a plain check fails', () => {
    expect(checkApi({ committed: undefined, generated: v1, write: true })).toMatchObject({
      exitCode: 0,
      write: true,
    });
    expect(checkApi({ committed: undefined, generated: v1, write: false }).exitCode).toBe(1);
  });
});

describe('canonicalJson', () => {
  test('when a document is serialized, then the top level keeps OpenAPI order, keys below are sorted and arrays keep their order', () => {
    const text = canonicalJson({
      paths: { '/b': { get: ok }, '/a': { get: ok } },
      components: {},
      info: { version: '1.0.0', title: 't' },
      openapi: '3.1.0',
      tags: [{ name: 'z' }, { name: 'a' }],
    });
    expect(Object.keys(JSON.parse(text))).toEqual([
      'openapi',
      'info',
      'tags',
      'paths',
      'components',
    ]);
    expect(Object.keys(JSON.parse(text).paths)).toEqual(['/a', '/b']);
    expect(text).toContain('"info": {\n    "title": "t",\n    "version": "1.0.0"\n  }');
    expect(JSON.parse(text).tags).toEqual([{ name: 'z' }, { name: 'a' }]);
    expect(text.endsWith('}\n')).toBe(true);
  });
});
