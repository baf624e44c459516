import { isDeepStrictEqual } from 'node:util';

/** The parts of an OpenAPI 3.1 document the diff reads; everything else is carried as is. */
export interface OpenApiDocument {
  openapi?: string;
  info?: { title?: string; version?: string; [key: string]: unknown };
  paths?: Record<string, Record<string, unknown>>;
  components?: Record<string, Record<string, unknown>>;
  security?: SecurityRequirement[];
  [key: string]: unknown;
}

type SecurityRequirement = Record<string, string[]>;
type Schema = Record<string, unknown>;

/**
 * - `breaking`: a client written against the old document can fail against the new one.
 * - `additive`: the new document offers more; old clients are unaffected.
 */
export type Severity = 'breaking' | 'additive';

export interface ApiChange {
  readonly severity: Severity;
  /** Where: `POST /v1/orders request body application/json .items[].quantity`. */
  readonly location: string;
  readonly message: string;
}

/**
 * Which way data flows through a schema. What breaks a client depends on it: a request schema
 * may accept more but never less (the client writes), a response schema may promise more but
 * never less (the client reads).
 */
type Direction = 'request' | 'response';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const UPPER_BOUNDS = ['maximum', 'exclusiveMaximum', 'maxLength', 'maxItems', 'maxProperties'];
const LOWER_BOUNDS = ['minimum', 'exclusiveMinimum', 'minLength', 'minItems', 'minProperties'];

/**
 * The changes from `before` to `after` that matter to a client, each classified as breaking or
 * additive. Descriptions, summaries, examples and tags are not compared.
 *
 * Breaking, for an operation: a path or operation removed; a parameter removed, added as required
 * or made required; a request body removed, added as required or made required; a media type,
 * response status or response header removed; anonymous access withdrawn or a security
 * requirement removed. For a request schema (the client writes): a property removed, added as
 * required or made required, a type or enum value no longer accepted, a bound, pattern or format
 * tightened, additional properties refused, an alternative (`anyOf`/`oneOf`) removed. For a
 * response schema (the client reads): a property removed or made optional, a type or enum value
 * that may now appear, a bound loosened, a pattern or format changed, an alternative added.
 *
 * @example
 * const breaking = diffOpenApi(committed, generated).filter((c) => c.severity === 'breaking');
 */
export function diffOpenApi(before: OpenApiDocument, after: OpenApiDocument): ApiChange[] {
  const differ = new Differ(before, after);
  differ.paths();
  return differ.changes;
}

/** One line of the report: `breaking  GET /v1/orders response 200 …: property removed`. */
export function formatChange(change: ApiChange): string {
  return `${change.severity.padEnd(8)}  ${change.location}: ${change.message}`;
}

class Differ {
  readonly changes: ApiChange[] = [];
  readonly #before: OpenApiDocument;
  readonly #after: OpenApiDocument;
  /** Schema pairs already being compared: recursive schemas end here. */
  readonly #seen = new Set<string>();

  constructor(before: OpenApiDocument, after: OpenApiDocument) {
    this.#before = before;
    this.#after = after;
  }

  #add(severity: Severity, location: string, message: string): void {
    this.changes.push({ severity, location, message });
  }

  paths(): void {
    const before = this.#before.paths ?? {};
    const after = this.#after.paths ?? {};
    for (const [path, itemBefore] of Object.entries(before)) {
      const itemAfter = after[path];
      if (itemAfter === undefined) {
        this.#add('breaking', path, 'path removed');
        continue;
      }
      for (const method of METHODS) {
        const operationBefore = itemBefore[method] as Schema | undefined;
        const operationAfter = itemAfter[method] as Schema | undefined;
        const location = `${method.toUpperCase()} ${path}`;
        if (operationBefore === undefined) {
          if (operationAfter !== undefined) this.#add('additive', location, 'operation added');
        } else if (operationAfter === undefined) {
          this.#add('breaking', location, 'operation removed');
        } else {
          this.#operation(location, itemBefore, operationBefore, itemAfter, operationAfter);
        }
      }
    }
    for (const path of Object.keys(after)) {
      if (!(path in before)) this.#add('additive', path, 'path added');
    }
  }

  #operation(
    location: string,
    itemBefore: Schema,
    before: Schema,
    itemAfter: Schema,
    after: Schema,
  ): void {
    this.#parameters(
      location,
      parametersOf(this.#before, itemBefore, before),
      parametersOf(this.#after, itemAfter, after),
    );
    this.#requestBody(location, before.requestBody, after.requestBody);
    this.#responses(location, objectAt(before, 'responses'), objectAt(after, 'responses'));
    this.#security(
      location,
      (before.security ?? this.#before.security ?? []) as SecurityRequirement[],
      (after.security ?? this.#after.security ?? []) as SecurityRequirement[],
    );
  }

  #parameters(location: string, before: Map<string, Schema>, after: Map<string, Schema>): void {
    for (const [key, parameterBefore] of before) {
      const parameterAfter = after.get(key);
      const where = `${location} parameter ${key}`;
      if (parameterAfter === undefined) {
        this.#add('breaking', where, 'parameter removed');
        continue;
      }
      if (parameterBefore.required !== true && parameterAfter.required === true) {
        this.#add('breaking', where, 'parameter made required');
      } else if (parameterBefore.required === true && parameterAfter.required !== true) {
        this.#add('additive', where, 'parameter made optional');
      }
      this.#schema(where, 'request', parameterBefore.schema, parameterAfter.schema);
    }
    for (const [key, parameterAfter] of after) {
      if (before.has(key)) continue;
      const where = `${location} parameter ${key}`;
      if (parameterAfter.required === true)
        this.#add('breaking', where, 'required parameter added');
      else this.#add('additive', where, 'optional parameter added');
    }
  }

  #requestBody(location: string, rawBefore: unknown, rawAfter: unknown): void {
    const before = resolve(this.#before, rawBefore);
    const after = resolve(this.#after, rawAfter);
    const where = `${location} request body`;
    if (before === undefined) {
      if (after === undefined) return;
      if (after.required === true) this.#add('breaking', where, 'required request body added');
      else this.#add('additive', where, 'optional request body added');
      return;
    }
    if (after === undefined) {
      this.#add('breaking', where, 'request body removed');
      return;
    }
    if (before.required !== true && after.required === true) {
      this.#add('breaking', where, 'request body made required');
    }
    this.#content(where, 'request', objectAt(before, 'content'), objectAt(after, 'content'));
  }

  #responses(location: string, before: Schema, after: Schema): void {
    for (const [status, rawBefore] of Object.entries(before)) {
      const where = `${location} response ${status}`;
      if (!(status in after)) {
        this.#add('breaking', where, 'response status removed');
        continue;
      }
      const responseBefore = resolve(this.#before, rawBefore) ?? {};
      const responseAfter = resolve(this.#after, after[status]) ?? {};
      this.#content(
        where,
        'response',
        objectAt(responseBefore, 'content'),
        objectAt(responseAfter, 'content'),
      );
      this.#headers(where, objectAt(responseBefore, 'headers'), objectAt(responseAfter, 'headers'));
    }
    for (const status of Object.keys(after)) {
      if (!(status in before)) {
        this.#add('additive', `${location} response ${status}`, 'response status added');
      }
    }
  }

  #headers(location: string, before: Schema, after: Schema): void {
    for (const [name, rawBefore] of Object.entries(before)) {
      const where = `${location} header ${name}`;
      if (!(name in after)) {
        this.#add('breaking', where, 'response header removed');
        continue;
      }
      const headerBefore = resolve(this.#before, rawBefore) ?? {};
      const headerAfter = resolve(this.#after, after[name]) ?? {};
      this.#schema(where, 'response', headerBefore.schema, headerAfter.schema);
    }
    for (const name of Object.keys(after)) {
      if (!(name in before)) {
        this.#add('additive', `${location} header ${name}`, 'response header added');
      }
    }
  }

  #content(location: string, direction: Direction, before: Schema, after: Schema): void {
    for (const [mediaType, mediaBefore] of Object.entries(before)) {
      const where = `${location} ${mediaType}`;
      const mediaAfter = after[mediaType];
      if (mediaAfter === undefined) {
        this.#add('breaking', where, `${direction} media type removed`);
        continue;
      }
      this.#schema(where, direction, (mediaBefore as Schema).schema, (mediaAfter as Schema).schema);
    }
    for (const mediaType of Object.keys(after)) {
      if (!(mediaType in before)) {
        this.#add('additive', `${location} ${mediaType}`, `${direction} media type added`);
      }
    }
  }

  #security(location: string, before: SecurityRequirement[], after: SecurityRequirement[]): void {
    const anonymous = (requirements: SecurityRequirement[]) =>
      requirements.length === 0 || requirements.some((r) => Object.keys(r).length === 0);
    if (anonymous(before) && !anonymous(after)) {
      this.#add('breaking', location, 'authentication now required');
      return;
    }
    if (anonymous(after)) {
      if (!anonymous(before)) this.#add('additive', location, 'authentication now optional');
      return;
    }
    const keysAfter = new Set(after.map(requirementKey));
    for (const requirement of before) {
      const key = requirementKey(requirement);
      if (!keysAfter.has(key))
        this.#add('breaking', location, `security requirement ${key} removed`);
    }
  }

  /** Compares two schemas at `location`; `undefined` is the schema that accepts anything. */
  #schema(location: string, direction: Direction, rawBefore: unknown, rawAfter: unknown): void {
    const pair = `${direction} ${refOf(rawBefore)} ${refOf(rawAfter)}`;
    const recursive = refOf(rawBefore) !== '' && refOf(rawAfter) !== '';
    if (recursive) {
      if (this.#seen.has(pair)) return;
      this.#seen.add(pair);
    }
    const before = resolve(this.#before, rawBefore) ?? {};
    const after = resolve(this.#after, rawAfter) ?? {};
    if (!isDeepStrictEqual(before, after)) {
      this.#compareSchemas(location, direction, before, after);
    }
    if (recursive) this.#seen.delete(pair);
  }

  #compareSchemas(location: string, direction: Direction, before: Schema, after: Schema): void {
    if (before.anyOf || before.oneOf || after.anyOf || after.oneOf) {
      this.#alternatives(location, direction, before, after);
      return;
    }
    if (!this.#types(location, direction, before, after)) return;
    this.#enum(location, direction, before, after);
    this.#bounds(location, direction, before, after);
    this.#properties(location, direction, before, after);
    if (before.items !== undefined || after.items !== undefined) {
      this.#schema(`${location}[]`, direction, before.items, after.items);
    }
    if (before.allOf !== undefined || after.allOf !== undefined) {
      const allBefore = (before.allOf ?? []) as unknown[];
      const allAfter = (after.allOf ?? []) as unknown[];
      if (allBefore.length === allAfter.length) {
        allBefore.forEach((part, i) => {
          this.#schema(location, direction, part, allAfter[i]);
        });
      } else {
        this.#add('breaking', location, 'allOf composition changed');
      }
    }
  }

  /**
   * `anyOf`/`oneOf` (a plain schema counts as one alternative). Same count: compared pairwise.
   * Otherwise, by equality: a request alternative removed or a response alternative added breaks.
   */
  #alternatives(location: string, direction: Direction, before: Schema, after: Schema): void {
    const branchesBefore = alternativesOf(before).map((s) => resolve(this.#before, s) ?? {});
    const branchesAfter = alternativesOf(after).map((s) => resolve(this.#after, s) ?? {});
    if (branchesBefore.length === branchesAfter.length) {
      branchesBefore.forEach((branch, i) => {
        this.#schema(location, direction, branch, branchesAfter[i]);
      });
      return;
    }
    const missing = (from: Schema[], to: Schema[]) =>
      from.filter((branch) => !to.some((other) => isDeepStrictEqual(branch, other)));
    const removed = missing(branchesBefore, branchesAfter);
    const added = missing(branchesAfter, branchesBefore);
    for (const branch of removed) {
      this.#add(
        direction === 'request' ? 'breaking' : 'additive',
        location,
        `${direction} alternative ${describe(branch)} removed`,
      );
    }
    for (const branch of added) {
      this.#add(
        direction === 'response' ? 'breaking' : 'additive',
        location,
        `${direction} alternative ${describe(branch)} added`,
      );
    }
  }

  /** Returns false when the types are incompatible: comparing deeper would only add noise. */
  #types(location: string, direction: Direction, before: Schema, after: Schema): boolean {
    const typesBefore = typesOf(before);
    const typesAfter = typesOf(after);
    if (typesBefore === undefined && typesAfter === undefined) return true;
    // Request: every value the client could send must still be accepted. Response: every value
    // the server may send must have been possible before.
    const [widerNeeded, narrower] =
      direction === 'request' ? [typesBefore, typesAfter] : [typesAfter, typesBefore];
    const compatible =
      narrower === undefined ||
      (widerNeeded !== undefined && [...widerNeeded].every((type) => accepts(narrower, type)));
    if (!compatible) {
      this.#add(
        'breaking',
        location,
        `${direction} type changed from ${typeName(typesBefore)} to ${typeName(typesAfter)}`,
      );
      return false;
    }
    if (typeName(typesBefore) !== typeName(typesAfter)) {
      this.#add(
        'additive',
        location,
        `${direction} type widened from ${typeName(typesBefore)} to ${typeName(typesAfter)}`,
      );
    }
    return true;
  }

  #enum(location: string, direction: Direction, before: Schema, after: Schema): void {
    const valuesBefore = enumOf(before);
    const valuesAfter = enumOf(after);
    if (valuesBefore === undefined && valuesAfter === undefined) return;
    const removed =
      valuesBefore === undefined
        ? []
        : valuesAfter === undefined
          ? []
          : valuesBefore.filter((v) => !valuesAfter.includes(v));
    const added =
      valuesAfter === undefined || valuesBefore === undefined
        ? []
        : valuesAfter.filter((v) => !valuesBefore.includes(v));
    if (valuesBefore === undefined) {
      // A restriction appeared: a request now refuses values, a response only narrows.
      this.#add(
        direction === 'request' ? 'breaking' : 'additive',
        location,
        `${direction} values restricted to ${valuesAfter?.join(', ')}`,
      );
    } else if (valuesAfter === undefined) {
      this.#add(
        direction === 'response' ? 'breaking' : 'additive',
        location,
        `${direction} values no longer restricted to ${valuesBefore.join(', ')}`,
      );
    }
    for (const value of removed) {
      this.#add(
        direction === 'request' ? 'breaking' : 'additive',
        location,
        `${direction} enum value ${value} removed`,
      );
    }
    for (const value of added) {
      this.#add(
        direction === 'response' ? 'breaking' : 'additive',
        location,
        `${direction} enum value ${value} added`,
      );
    }
  }

  /** Bounds, patterns and formats: tightening breaks a request, loosening breaks a response. */
  #bounds(location: string, direction: Direction, before: Schema, after: Schema): void {
    const report = (tightened: boolean, keyword: string) => {
      const breaking = tightened === (direction === 'request');
      const from = before[keyword] === undefined ? 'none' : JSON.stringify(before[keyword]);
      const to = after[keyword] === undefined ? 'none' : JSON.stringify(after[keyword]);
      this.#add(
        breaking ? 'breaking' : 'additive',
        location,
        `${direction} ${keyword} ${tightened ? 'tightened' : 'loosened'} from ${from} to ${to}`,
      );
    };
    for (const keyword of [...UPPER_BOUNDS, ...LOWER_BOUNDS]) {
      const b = before[keyword];
      const a = after[keyword];
      if (b === a) continue;
      const upper = UPPER_BOUNDS.includes(keyword);
      if (typeof a === 'number' && typeof b !== 'number') report(true, keyword);
      else if (typeof b === 'number' && typeof a !== 'number') report(false, keyword);
      else if (typeof a === 'number' && typeof b === 'number')
        report(upper ? a < b : a > b, keyword);
    }
    for (const keyword of ['pattern', 'format']) {
      const b = before[keyword];
      const a = after[keyword];
      if (b === a) continue;
      // A changed pattern both refuses and allows values: breaking either way.
      if (b !== undefined && a !== undefined) {
        this.#add('breaking', location, `${direction} ${keyword} changed from ${b} to ${a}`);
      } else {
        report(a !== undefined, keyword);
      }
    }
    if (before.uniqueItems !== true && after.uniqueItems === true) report(true, 'uniqueItems');
    if (before.uniqueItems === true && after.uniqueItems !== true) report(false, 'uniqueItems');
  }

  #properties(location: string, direction: Direction, before: Schema, after: Schema): void {
    const propertiesBefore = objectAt(before, 'properties');
    const propertiesAfter = objectAt(after, 'properties');
    const requiredBefore = new Set((before.required ?? []) as string[]);
    const requiredAfter = new Set((after.required ?? []) as string[]);
    for (const [name, schemaBefore] of Object.entries(propertiesBefore)) {
      const where = `${location} .${name}`;
      if (!(name in propertiesAfter)) {
        this.#add('breaking', where, `${direction} property removed`);
        continue;
      }
      const wasRequired = requiredBefore.has(name);
      const isRequired = requiredAfter.has(name);
      if (!wasRequired && isRequired) {
        this.#add(
          direction === 'request' ? 'breaking' : 'additive',
          where,
          `${direction} property made required`,
        );
      } else if (wasRequired && !isRequired) {
        this.#add(
          direction === 'response' ? 'breaking' : 'additive',
          where,
          `${direction} property made optional`,
        );
      }
      this.#schema(where, direction, schemaBefore, propertiesAfter[name]);
    }
    for (const name of Object.keys(propertiesAfter)) {
      if (name in propertiesBefore) continue;
      const where = `${location} .${name}`;
      if (direction === 'request' && requiredAfter.has(name)) {
        this.#add('breaking', where, 'request property added as required');
      } else {
        this.#add('additive', where, `${direction} property added`);
      }
    }
    if (direction === 'request' && before.additionalProperties !== false) {
      if (after.additionalProperties === false) {
        this.#add('breaking', location, 'request no longer accepts additional properties');
      }
    }
    const extraBefore = before.additionalProperties;
    const extraAfter = after.additionalProperties;
    if (typeof extraBefore === 'object' && typeof extraAfter === 'object') {
      this.#schema(`${location} .*`, direction, extraBefore, extraAfter);
    }
  }
}

/** Path-level parameters overridden by the operation's, keyed `in name`. */
function parametersOf(
  document: OpenApiDocument,
  item: Schema,
  operation: Schema,
): Map<string, Schema> {
  const parameters = new Map<string, Schema>();
  for (const raw of [
    ...((item.parameters ?? []) as unknown[]),
    ...((operation.parameters ?? []) as unknown[]),
  ]) {
    const parameter = resolve(document, raw);
    if (parameter !== undefined) parameters.set(`${parameter.in} ${parameter.name}`, parameter);
  }
  return parameters;
}

/** Follows local `$ref`s (`#/components/...`); an unresolvable one is returned as is. */
export function resolve(document: OpenApiDocument, value: unknown): Schema | undefined {
  let current = value;
  for (let hops = 0; hops < 32; hops++) {
    // Boolean schemas: `true` accepts anything, `false` nothing.
    if (typeof current === 'boolean') return current ? {} : { not: {} };
    if (current === null || typeof current !== 'object') return undefined;
    const ref = (current as Schema).$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return current as Schema;
    let target: unknown = document;
    for (const segment of ref.slice(2).split('/')) {
      const key = segment.replaceAll('~1', '/').replaceAll('~0', '~');
      target = (target as Record<string, unknown> | undefined)?.[key];
    }
    if (target === undefined) return current as Schema;
    current = target;
  }
  return current as Schema;
}

function refOf(value: unknown): string {
  const ref = (value as Schema | undefined)?.$ref;
  return typeof ref === 'string' ? ref : '';
}

function objectAt(value: Schema, key: string): Schema {
  const found = value[key];
  return found !== null && typeof found === 'object' ? (found as Schema) : {};
}

function alternativesOf(schema: Schema): unknown[] {
  const branches = (schema.anyOf ?? schema.oneOf) as unknown[] | undefined;
  if (branches !== undefined) return branches;
  return [schema];
}

function typesOf(schema: Schema): Set<string> | undefined {
  if (typeof schema.type === 'string') return new Set([schema.type]);
  if (Array.isArray(schema.type)) return new Set(schema.type as string[]);
  if (schema.const !== undefined) return new Set([jsonType(schema.const)]);
  const values = schema.enum as unknown[] | undefined;
  if (values !== undefined) return new Set(values.map(jsonType));
  return undefined;
}

function jsonType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** True when a schema of `types` accepts every value of `type` (an integer is a number). */
function accepts(types: Set<string>, type: string): boolean {
  return types.has(type) || (type === 'integer' && types.has('number'));
}

function typeName(types: Set<string> | undefined): string {
  return types === undefined ? 'any' : [...types].sort().join('|');
}

/** `enum` values, or `const` as a one-value enum; JSON text, so values compare by content. */
function enumOf(schema: Schema): string[] | undefined {
  if (Array.isArray(schema.enum)) return schema.enum.map((v) => JSON.stringify(v));
  if (schema.const !== undefined) return [JSON.stringify(schema.const)];
  return undefined;
}

function requirementKey(requirement: SecurityRequirement): string {
  return Object.entries(requirement)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, scopes]) => (scopes.length > 0 ? `${name}[${[...scopes].sort()}]` : name))
    .join('+');
}

function describe(schema: Schema): string {
  const text = JSON.stringify(schema);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
