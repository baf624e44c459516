import { type OpenApiDocument, resolve } from './openapi-diff.ts';

type Schema = Record<string, unknown>;

const KEBAB_SEGMENT = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const CAMEL_NAME = /^[a-z][a-zA-Z0-9]*$/;
const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/**
 * Operations whose field names a standard fixes, so they are not camelCase: the OAuth 2.0 token
 * endpoint answers `access_token`, `token_type`, `expires_in` (RFC 6749).
 */
const STANDARD_FIELD_NAMES = new Set(['POST /v1/auth/token']);

/**
 * The naming rules of the `/v1` API that a document shows (CONTRIBUTING.md, "Changing the API"):
 * kebab-case path segments, camelCase path and query parameters and JSON fields, and a plural
 * noun for every collection, that is, every segment followed by an `{id}`-style parameter.
 * Plural is checked the simple way (ends in `s`); a noun whose plural does not would be named in
 * `IRREGULAR_PLURALS`. Returns one line per violation.
 */
export function namingViolations(document: OpenApiDocument): string[] {
  const violations: string[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    if (!path.startsWith('/v1/')) continue;
    const segments = path.split('/').slice(2);
    segments.forEach((segment, i) => {
      const parameter = /^\{(.+)\}$/.exec(segment)?.[1];
      if (parameter !== undefined) {
        if (!CAMEL_NAME.test(parameter)) {
          violations.push(`${path}: path parameter {${parameter}} is not camelCase`);
        }
        return;
      }
      if (!KEBAB_SEGMENT.test(segment)) {
        violations.push(`${path}: segment "${segment}" is not kebab-case`);
      }
      const next = segments[i + 1];
      if (next?.startsWith('{') && !isPlural(segment)) {
        violations.push(`${path}: collection "${segment}" is not a plural noun`);
      }
    });
    for (const method of METHODS) {
      const operation = item[method] as Schema | undefined;
      if (operation === undefined) continue;
      const location = `${method.toUpperCase()} ${path}`;
      for (const raw of (operation.parameters ?? []) as unknown[]) {
        const parameter = resolve(document, raw);
        if (parameter?.in === 'query' && !CAMEL_NAME.test(String(parameter.name))) {
          violations.push(`${location}: query parameter ${parameter.name} is not camelCase`);
        }
      }
      if (STANDARD_FIELD_NAMES.has(location)) continue;
      const schemas: [string, unknown][] = [];
      const body = resolve(document, operation.requestBody);
      for (const [type, media] of Object.entries((body?.content ?? {}) as Schema)) {
        schemas.push([`${location} request ${type}`, (media as Schema).schema]);
      }
      for (const [status, raw] of Object.entries((operation.responses ?? {}) as Schema)) {
        const response = resolve(document, raw);
        for (const [type, media] of Object.entries((response?.content ?? {}) as Schema)) {
          schemas.push([`${location} response ${status} ${type}`, (media as Schema).schema]);
        }
      }
      for (const [where, schema] of schemas) {
        fieldNames(document, where, schema, violations, new Set());
      }
    }
  }
  return violations;
}

const IRREGULAR_PLURALS = new Set<string>(['people', 'data']);

function isPlural(segment: string): boolean {
  const noun = segment.split('-').at(-1) ?? segment;
  return IRREGULAR_PLURALS.has(noun) || (noun.endsWith('s') && !noun.endsWith('ss'));
}

function fieldNames(
  document: OpenApiDocument,
  where: string,
  raw: unknown,
  violations: string[],
  seen: Set<unknown>,
): void {
  const schema = resolve(document, raw);
  if (schema === undefined || seen.has(schema)) return;
  seen.add(schema);
  for (const [name, property] of Object.entries((schema.properties ?? {}) as Schema)) {
    if (!CAMEL_NAME.test(name)) violations.push(`${where}: field ${name} is not camelCase`);
    fieldNames(document, `${where} .${name}`, property, violations, seen);
  }
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    for (const branch of (schema[key] ?? []) as unknown[]) {
      fieldNames(document, where, branch, violations, seen);
    }
  }
  if (schema.items !== undefined)
    fieldNames(document, `${where}[]`, schema.items, violations, seen);
  if (typeof schema.additionalProperties === 'object') {
    fieldNames(document, `${where} .*`, schema.additionalProperties, violations, seen);
  }
}
