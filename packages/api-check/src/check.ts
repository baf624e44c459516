import { isDeepStrictEqual } from 'node:util';
import { namingViolations } from './naming.ts';
import { type ApiChange, diffOpenApi, formatChange, type OpenApiDocument } from './openapi-diff.ts';

export const COMMITTED_PATH = 'docs/api/openapi.json';
export const VERSION_SOURCE = 'apps/gateway/src/api-version.ts';

export interface CheckInput {
  /** The committed document, parsed; `undefined` when there is none yet. */
  readonly committed: OpenApiDocument | undefined;
  /** The document the code produces now. */
  readonly generated: OpenApiDocument;
  /** `--write`: replace the committed document when the change is allowed. */
  readonly write: boolean;
}

export interface CheckResult {
  readonly exitCode: 0 | 1;
  /** Write `generated` over the committed document. */
  readonly write: boolean;
  readonly changes: readonly ApiChange[];
  /** The report: one line per change, then the verdict. */
  readonly lines: readonly string[];
}

/**
 * The verdict of `npm run api:check`. A `/v1` name that breaks the naming rules: fail. Unchanged: pass. Breaking without a major bump of
 * `info.version`: fail, and never written. Any other change: written with `--write`, otherwise a
 * failure that says to regenerate, so the committed document is always what the code serves.
 */
export function checkApi({ committed, generated, write }: CheckInput): CheckResult {
  const version = parseVersion(generated.info?.version);
  if (version === undefined) {
    return fail(
      [],
      [`info.version "${generated.info?.version}" is not semver (set it in ${VERSION_SOURCE})`],
    );
  }
  const naming = namingViolations(generated);
  if (naming.length > 0) {
    return fail(
      [],
      [
        ...naming.map((violation) => `naming    ${violation}`),
        `${naming.length} naming rule violation(s): see CONTRIBUTING.md, "Changing the API"`,
      ],
    );
  }
  if (committed === undefined) {
    return write
      ? pass([], [`${COMMITTED_PATH} created at version ${generated.info?.version}`], true)
      : fail(
          [],
          [`${COMMITTED_PATH} is missing: run \`npm run api:check -- --write\` and commit it`],
        );
  }
  if (isDeepStrictEqual(committed, generated)) {
    return pass(
      [],
      [`${COMMITTED_PATH} is up to date (version ${generated.info?.version})`],
      false,
    );
  }

  const changes = diffOpenApi(committed, generated);
  const lines = changes.map(formatChange);
  const from = committed.info?.version;
  const to = generated.info?.version;
  const previous = parseVersion(from);
  if (previous !== undefined && compareVersions(version, previous) < 0) {
    return fail(changes, [...lines, `info.version went down from ${from} to ${to}`]);
  }
  const breaking = changes.filter((change) => change.severity === 'breaking').length;
  const majorBumped = previous === undefined || version[0] > previous[0];
  if (breaking > 0 && !majorBumped) {
    return fail(changes, [
      ...lines,
      `${breaking} breaking change(s) without a major version bump (${from} -> ${to}): keep the old contract (a new field, a /v2 route beside /v1), or bump the major in ${VERSION_SOURCE} and run \`npm run api:check -- --write\``,
    ]);
  }
  const summary =
    changes.length > 0
      ? `${breaking} breaking, ${changes.length - breaking} additive change(s), version ${from} -> ${to}`
      : from !== to
        ? `version ${from} -> ${to}`
        : 'descriptions or other annotations changed';
  if (write) return pass(changes, [...lines, `${COMMITTED_PATH} updated: ${summary}`], true);
  return fail(changes, [
    ...lines,
    `${COMMITTED_PATH} is out of date (${summary}): run \`npm run api:check -- --write\` and commit it`,
  ]);
}

function pass(changes: readonly ApiChange[], lines: string[], write: boolean): CheckResult {
  return { exitCode: 0, write, changes, lines };
}

function fail(changes: readonly ApiChange[], lines: string[]): CheckResult {
  return { exitCode: 1, write: false, changes, lines };
}

type Version = readonly [number, number, number];

const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function parseVersion(text: unknown): Version | undefined {
  const match = typeof text === 'string' ? SEMVER.exec(text) : null;
  if (match === null) return undefined;
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compareVersions(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
}

const TOP_LEVEL = ['openapi', 'info', 'jsonSchemaDialect', 'servers', 'security', 'tags', 'paths'];

/**
 * The committed form: OpenAPI's top-level fields in their usual order, every object below with
 * its keys sorted, two-space indent, final newline. Array order is kept (it can carry meaning).
 */
export function canonicalJson(document: OpenApiDocument): string {
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL) if (key in document) ordered[key] = sortKeys(document[key]);
  for (const key of Object.keys(document).sort()) {
    if (!(key in ordered)) ordered[key] = sortKeys(document[key]);
  }
  return `${JSON.stringify(ordered, null, 2)}\n`;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}
