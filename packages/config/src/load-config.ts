import { readFileSync } from 'node:fs';
import type { Static, TObject, TSchema } from 'typebox';
import Value from 'typebox/value';
import { TLS_TRANSPORT, type TlsTransport, tlsProblem } from './require-tls.ts';

/** Thrown once at boot when the environment does not satisfy a service's config schema. */
export class ConfigError extends Error {
  readonly variable: string;

  constructor(variable: string, problem: string, options?: ErrorOptions) {
    super(`${variable}: ${problem}`, options);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Validates the environment once against a TypeBox object schema whose keys are the variable names.
 * Strings are coerced to numbers, booleans and comma-separated lists; defaults apply; `NAME_FILE`
 * (a mounted secret) supplies `NAME` from the file's trimmed contents. With a `REQUIRE_TLS`
 * variable in the schema set to true, every database and Redis URL must ask for verified TLS.
 * The result is deep-frozen.
 *
 * @throws {ConfigError} naming the first variable that is missing or malformed.
 * @example
 * const config = loadConfig(Type.Object({ PORT: env.port(3002), DATABASE_URL: env.databaseUrl('orders') }));
 * config.PORT; // number
 */
export function loadConfig<T extends TObject>(
  schema: T,
  source: Env = process.env,
): Readonly<Static<T>> {
  const raw: Record<string, unknown> = {};
  for (const [name, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const value = readVariable(name, source);
    if (value === undefined) continue;
    raw[name] = isArraySchema(property) ? splitList(value) : value;
  }

  const candidate = Value.Convert(schema, Value.Default(schema, raw));
  const [first] = Value.Errors(schema, candidate);
  if (first !== undefined) {
    const variable = variableOf(first, schema);
    const property = schema.properties[variable] as TSchema | undefined;
    throw new ConfigError(variable, describe(first, property, raw[variable]));
  }
  if ((candidate as { REQUIRE_TLS?: unknown }).REQUIRE_TLS === true) {
    checkTls(schema, candidate as Record<string, unknown>);
  }
  return deepFreeze(candidate as Static<T>);
}

/** With `REQUIRE_TLS` on, every URL the schema marks (env.databaseUrl, env.redisUrl) asks for TLS. */
function checkTls(schema: TObject, config: Record<string, unknown>): void {
  for (const [name, property] of Object.entries(schema.properties as Record<string, TSchema>)) {
    const transport = (property as Record<string, unknown>)[TLS_TRANSPORT] as
      | TlsTransport
      | undefined;
    const value = config[name];
    if (transport === undefined || typeof value !== 'string') continue;
    const problem = tlsProblem(transport, value);
    if (problem !== undefined) throw new ConfigError(name, problem);
  }
}

function readVariable(name: string, source: Env): string | undefined {
  const file = source[`${name}_FILE`];
  if (file === undefined || file === '') {
    const value = source[name];
    return value === '' ? undefined : value;
  }
  if (source[name] !== undefined && source[name] !== '') {
    throw new ConfigError(name, `set both ${name} and ${name}_FILE; keep one`);
  }
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new ConfigError(`${name}_FILE`, `cannot read ${file} (${reason})`, { cause: error });
  }
}

function isArraySchema(schema: TSchema): boolean {
  return (schema as { type?: unknown }).type === 'array';
}

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

interface ValidationIssue {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

function variableOf(issue: ValidationIssue, schema: TObject): string {
  const fromPath = issue.instancePath.split('/')[1];
  if (fromPath) return fromPath;
  const missing = issue.params.requiredProperties ?? issue.params.missingProperty;
  if (Array.isArray(missing) && typeof missing[0] === 'string') return missing[0];
  if (typeof missing === 'string') return missing;
  return Object.keys(schema.properties)[0] ?? 'environment';
}

function describe(
  issue: ValidationIssue,
  property: TSchema | undefined,
  received: unknown,
): string {
  if (issue.keyword === 'required') return 'is required but not set';
  const got = received === undefined ? '' : ` (got ${JSON.stringify(secretSafe(received))})`;
  const choices = literalChoices(property);
  const problem = choices
    ? `must be one of ${choices.join(', ')}`
    : (issue.message ?? 'is invalid');
  return `${problem}${got}`;
}

/** A union of literals reads better as its list of allowed values than as a schema keyword. */
function literalChoices(property: TSchema | undefined): unknown[] | undefined {
  const options = (property as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf;
  if (!options?.every((option) => 'const' in option)) return undefined;
  return options.map((option) => option.const);
}

/** A malformed URL may still hold a password: never echo one back. */
function secretSafe(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  return value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
