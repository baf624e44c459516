import type { FieldError } from '@groundwork/errors';
import { dbErrors } from './db-errors.ts';

export type SortDirection = 'asc' | 'desc';

export interface SortField<F extends string = string> {
  readonly field: F;
  readonly direction: SortDirection;
}

export interface ParseSortOptions<F extends string> {
  /** The fields clients may sort by: indexed, non-null columns. */
  readonly allowed: readonly F[];
  /** Used when `sort` is absent or empty. */
  readonly fallback: readonly SortField<F>[];
}

/**
 * Parses `?sort=-createdAt,name` (a leading `-` sorts descending) against a whitelist. An
 * unknown or repeated field is a DB_INVALID_LIST_QUERY (400) naming `/query/sort`.
 *
 * @example
 * const sort = parseSort(request.query.sort, {
 *   allowed: ['createdAt', 'name', 'priceCents'],
 *   fallback: [{ field: 'createdAt', direction: 'desc' }],
 * });
 */
export function parseSort<const F extends string>(
  raw: string | undefined,
  options: ParseSortOptions<F>,
): SortField<F>[] {
  const terms = (raw ?? '')
    .split(',')
    .map((term) => term.trim())
    .filter((term) => term !== '');
  if (terms.length === 0) return [...options.fallback];
  const seen = new Set<string>();
  return terms.map((term) => {
    const direction: SortDirection = term.startsWith('-') ? 'desc' : 'asc';
    const field = term.replace(/^[-+]/, '');
    if (!(options.allowed as readonly string[]).includes(field)) {
      throw invalid(
        '/query/sort',
        `Cannot sort by "${field}"; sortable fields: ${options.allowed.join(', ')}.`,
      );
    }
    if (seen.has(field)) throw invalid('/query/sort', `"${field}" appears more than once.`);
    seen.add(field);
    return { field: field as F, direction };
  });
}

/** The value types a filter can hold, as they arrive in a query string. */
export type FilterType = 'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'uuid';

/** Comparison operators, named as in the query string: `filter[priceCents][gte]=100`. */
export type FilterOperator =
  | 'eq'
  | 'ne'
  | 'lt'
  | 'lte'
  | 'gt'
  | 'gte'
  | 'in'
  | 'contains'
  | 'startsWith';

export interface FilterField {
  readonly type: FilterType;
  /** Allowed operators; the first one is used for `filter[field]=value`. */
  readonly operators: readonly FilterOperator[];
  /** For `string`: the only values accepted (an enum column). */
  readonly values?: readonly string[];
}

type ValueOf<T extends FilterType> = T extends 'integer' | 'number'
  ? number
  : T extends 'boolean'
    ? boolean
    : T extends 'datetime'
      ? Date
      : string;

/** Prisma's name for each operator. */
const PRISMA_OPERATOR = {
  eq: 'equals',
  ne: 'not',
  lt: 'lt',
  lte: 'lte',
  gt: 'gt',
  gte: 'gte',
  in: 'in',
  contains: 'contains',
  startsWith: 'startsWith',
} as const satisfies Record<FilterOperator, string>;

/** A Prisma `where` fragment for the filter spec `S`, e.g. `{ priceCents: { gte: 100 } }`. */
export type FilterWhere<S extends Record<string, FilterField>> = {
  [K in keyof S]?: {
    equals?: ValueOf<S[K]['type']>;
    not?: ValueOf<S[K]['type']>;
    lt?: ValueOf<S[K]['type']>;
    lte?: ValueOf<S[K]['type']>;
    gt?: ValueOf<S[K]['type']>;
    gte?: ValueOf<S[K]['type']>;
    in?: ValueOf<S[K]['type']>[];
    contains?: string;
    startsWith?: string;
  };
};

const FILTER_KEY = /^filter\[([^\]]+)\](?:\[([^\]]+)\])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Turns `filter[field]=value` and `filter[field][op]=value` query parameters into a Prisma
 * `where` fragment, accepting only the fields and operators of `spec` and coercing each value to
 * the field's type. Works with flat keys (Node's default query parser) and with a nested
 * `filter` object (qs). Anything else is a DB_INVALID_LIST_QUERY (400) listing every bad
 * parameter. `in` takes comma-separated values.
 *
 * @example
 * const filters = {
 *   status: { type: 'string', operators: ['eq', 'in'], values: ['draft', 'placed'] },
 *   priceCents: { type: 'integer', operators: ['gte', 'lte'] },
 * } as const satisfies Record<string, FilterField>;
 *
 * // ?filter[status]=placed&filter[priceCents][gte]=1000
 * const where = parseFilter(request.query, filters);
 * // { status: { equals: 'placed' }, priceCents: { gte: 1000 } }
 */
export function parseFilter<const S extends Record<string, FilterField>>(
  query: Readonly<Record<string, unknown>>,
  spec: S,
): FilterWhere<S> {
  const where: Record<string, Record<string, unknown>> = {};
  const errors: FieldError[] = [];
  for (const { field, operator, raw, pointer } of filterParameters(query)) {
    const definition = Object.hasOwn(spec, field) ? spec[field] : undefined;
    if (definition === undefined) {
      errors.push({
        field: pointer,
        message: `Cannot filter by "${field}"; filterable fields: ${Object.keys(spec).join(', ')}.`,
      });
      continue;
    }
    const op = (operator ?? definition.operators[0]) as FilterOperator;
    if (!definition.operators.includes(op)) {
      errors.push({
        field: pointer,
        message: `"${field}" accepts: ${definition.operators.join(', ')}.`,
      });
      continue;
    }
    if (typeof raw !== 'string') {
      errors.push({ field: pointer, message: 'Give one value.' });
      continue;
    }
    const values = op === 'in' ? raw.split(',') : [raw];
    const parsed = values.map((value) => coerce(value, definition));
    const failed = parsed.find((result) => 'error' in result);
    if (failed && 'error' in failed) {
      errors.push({ field: pointer, message: failed.error });
      continue;
    }
    const coerced = parsed.map((result) => ('value' in result ? result.value : undefined));
    where[field] = { ...where[field], [PRISMA_OPERATOR[op]]: op === 'in' ? coerced : coerced[0] };
  }
  if (errors.length > 0) {
    throw dbErrors.DB_INVALID_LIST_QUERY.create('The filter is not valid.', { fields: errors });
  }
  return where as FilterWhere<S>;
}

interface FilterParameter {
  readonly field: string;
  readonly operator: string | undefined;
  readonly raw: unknown;
  /** JSON pointer to the parameter, for the problem's `errors`. */
  readonly pointer: string;
}

function* filterParameters(query: Readonly<Record<string, unknown>>): Generator<FilterParameter> {
  for (const [key, raw] of Object.entries(query)) {
    const match = FILTER_KEY.exec(key);
    if (match) {
      yield { field: match[1] ?? '', operator: match[2], raw, pointer: `/query/${key}` };
    }
  }
  const nested = query.filter;
  if (nested === undefined) return;
  if (typeof nested !== 'object' || nested === null) {
    yield { field: '', operator: undefined, raw: nested, pointer: '/query/filter' };
    return;
  }
  for (const [field, value] of Object.entries(nested)) {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [operator, raw] of Object.entries(value)) {
        yield { field, operator, raw, pointer: `/query/filter[${field}][${operator}]` };
      }
    } else {
      yield { field, operator: undefined, raw: value, pointer: `/query/filter[${field}]` };
    }
  }
}

function coerce(value: string, field: FilterField): { value: unknown } | { error: string } {
  switch (field.type) {
    case 'integer':
    case 'number': {
      const number = Number(value);
      const ok = value.trim() !== '' && Number.isFinite(number);
      if (!ok || (field.type === 'integer' && !Number.isSafeInteger(number))) {
        return {
          error: `"${value}" is not ${field.type === 'integer' ? 'an integer' : 'a number'}.`,
        };
      }
      return { value: number };
    }
    case 'boolean':
      if (value === 'true' || value === 'false') return { value: value === 'true' };
      return { error: `"${value}" is not true or false.` };
    case 'datetime': {
      const date = new Date(value);
      if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
        return { error: `"${value}" is not an ISO 8601 date-time.` };
      }
      return { value: date };
    }
    case 'uuid':
      return UUID.test(value) ? { value } : { error: `"${value}" is not a UUID.` };
    case 'string':
      if (field.values && !field.values.includes(value)) {
        return { error: `"${value}" is not one of: ${field.values.join(', ')}.` };
      }
      return { value };
  }
}

function invalid(field: string, message: string) {
  return dbErrors.DB_INVALID_LIST_QUERY.create(message, { fields: [{ field, message }] });
}

/** A parsed page request of a collection: sort keys, bounded limit, the client's opaque cursor. */
export interface PageRequest<Field extends string> {
  readonly sort: readonly SortField<Field>[];
  readonly limit: number;
  readonly cursor?: string | undefined;
}

/** A parsed collection request: a page request with its whitelisted filter. */
export interface ListQuery<Filters extends Record<string, FilterField>, Field extends string>
  extends PageRequest<Field> {
  readonly filter: FilterWhere<Filters>;
}
