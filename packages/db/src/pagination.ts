import { dbErrors } from './db-errors.ts';
import type { SortDirection, SortField } from './list-query.ts';

export interface LimitOptions {
  /** When `limit` is absent. Default 20. */
  readonly fallback?: number;
  /** Larger requests are cut to this. Default 100. */
  readonly max?: number;
}

/**
 * Reads `?limit=`: absent means `fallback`, above `max` means `max`; anything but a positive
 * integer is a DB_INVALID_LIST_QUERY (400) naming `/query/limit`.
 *
 * @example
 * const limit = parseLimit(request.query.limit, { fallback: 20, max: 100 });
 */
export function parseLimit(raw: string | number | undefined, options: LimitOptions = {}): number {
  const { fallback = 20, max = 100 } = options;
  if (raw === undefined || raw === '') return Math.min(fallback, max);
  const limit = typeof raw === 'number' ? raw : Number(raw);
  if (!Number.isSafeInteger(limit) || limit < 1) {
    const message = `"${raw}" is not a positive integer.`;
    throw dbErrors.DB_INVALID_LIST_QUERY.create(message, {
      fields: [{ field: '/query/limit', message }],
    });
  }
  return Math.min(limit, max);
}

/** The `findMany` of a generated Prisma model delegate (`prisma.product`). */
export interface PageableDelegate {
  findMany(args: never): PromiseLike<object[]>;
}

type ArgsOf<F> = F extends (args: infer A) => unknown ? NonNullable<A> : never;
type WhereOf<D extends PageableDelegate> = NonNullable<
  ArgsOf<D['findMany']> extends { where?: infer W } ? W : never
>;
type RowOf<D extends PageableDelegate> = Awaited<ReturnType<D['findMany']>>[number];

export interface FindPageOptions<D extends PageableDelegate> {
  /** The collection, before paging: tenant, filters. */
  readonly where?: WhereOf<D>;
  /** From `parseSort`. The tiebreaker is appended, so equal sort values still page stably. */
  readonly sort: readonly SortField<string>[];
  /** From `parseLimit`. */
  readonly limit: number;
  /** The previous page's `nextCursor`, as the client sent it back. */
  readonly cursor?: string | undefined;
  /** A unique, non-null column. Default `id`. */
  readonly tiebreaker?: string;
}

export interface Page<Row> {
  readonly items: Row[];
  /** Opaque; null on the last page. */
  readonly nextCursor: string | null;
}

/**
 * Keyset ("seek") pagination: each page continues strictly after the last row of the previous one,
 * so rows inserted or deleted meanwhile never shift, repeat or skip others, and deep pages cost
 * what the first does. The cursor is opaque to clients (base64url) and bound to the sort it was
 * made for; a foreign or tampered cursor is a DB_INVALID_CURSOR (400). Sort fields must be
 * non-null columns, ideally covered by an index that ends with the tiebreaker.
 *
 * @example
 * const page = await findPage(prisma.product, {
 *   where: { tenantId, ...parseFilter(request.query, productFilters) },
 *   sort: parseSort(request.query.sort, productSort),
 *   limit: parseLimit(request.query.limit),
 *   cursor: request.query.cursor,
 * });
 * // { items: [...], nextCursor: 'eyJ...' | null }
 */
export async function findPage<D extends PageableDelegate>(
  delegate: D,
  options: FindPageOptions<D>,
): Promise<Page<RowOf<D>>> {
  const { where, limit, cursor, tiebreaker = 'id' } = options;
  const keys: SortField[] = [
    ...options.sort.filter((key) => key.field !== tiebreaker),
    {
      field: tiebreaker,
      direction: options.sort.find((k) => k.field === tiebreaker)?.direction ?? 'asc',
    },
  ];
  const signature = keys.map((k) => `${k.direction === 'desc' ? '-' : ''}${k.field}`).join(',');
  const after = cursor === undefined ? undefined : decodeCursor(cursor, signature, keys.length);
  const conditions = [where, after && seekAfter(keys, after)].filter((c) => c !== undefined);

  // One row more than asked tells whether another page follows.
  const rows = (await delegate.findMany({
    where: conditions.length > 1 ? { AND: conditions } : conditions[0],
    orderBy: keys.map((k) => ({ [k.field]: k.direction })),
    take: limit + 1,
  } as never)) as RowOf<D>[];

  const items = rows.slice(0, limit);
  const last = items.at(-1) as Record<string, unknown> | undefined;
  const nextCursor =
    rows.length > limit && last !== undefined
      ? encodeCursor(
          signature,
          keys.map((k) => last[k.field]),
        )
      : null;
  return { items, nextCursor };
}

/**
 * Rows strictly after `values` in the order of `keys`:
 * (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ... with `<` for descending keys.
 */
function seekAfter(keys: readonly SortField[], values: readonly unknown[]) {
  return {
    OR: keys.map((key, i) => ({
      AND: [
        ...keys.slice(0, i).map((earlier, j) => ({ [earlier.field]: { equals: values[j] } })),
        { [key.field]: { [beyond(key.direction)]: values[i] } },
      ],
    })),
  };
}

const beyond = (direction: SortDirection) => (direction === 'desc' ? 'lt' : 'gt');

/** JSON has no dates: tag them so they come back as Date, which Prisma compares correctly. */
type CursorValue = string | number | boolean | { readonly d: string };

function encodeCursor(signature: string, values: readonly unknown[]): string {
  const encoded: CursorValue[] = values.map((value) => {
    if (value instanceof Date) return { d: value.toISOString() };
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      return value;
    throw new TypeError(`Cannot page on a ${value === null ? 'null' : typeof value} sort value`);
  });
  return Buffer.from(JSON.stringify({ s: signature, v: encoded })).toString('base64url');
}

function decodeCursor(cursor: string, signature: string, length: number): unknown[] {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalidCursor('The cursor is not one this API issued.');
  }
  const { s, v } = (decoded ?? {}) as { s?: unknown; v?: unknown };
  if (s !== signature) {
    throw invalidCursor('The cursor belongs to another sort order; start again without it.');
  }
  if (!Array.isArray(v) || v.length !== length)
    throw invalidCursor('The cursor is not one this API issued.');
  return v.map((value: unknown) => {
    if (
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { d?: unknown }).d === 'string'
    ) {
      const date = new Date((value as { d: string }).d);
      if (Number.isNaN(date.getTime()))
        throw invalidCursor('The cursor is not one this API issued.');
      return date;
    }
    if (['string', 'number', 'boolean'].includes(typeof value)) return value;
    throw invalidCursor('The cursor is not one this API issued.');
  });
}

function invalidCursor(message: string) {
  return dbErrors.DB_INVALID_CURSOR.create(message, {
    fields: [{ field: '/query/cursor', message }],
  });
}
