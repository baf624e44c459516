import { describe, expect, test } from 'vitest';
import { dbErrors } from './db-errors.ts';
import { type FilterField, parseFilter, parseSort } from './list-query.ts';

const sortOptions = {
  allowed: ['createdAt', 'name', 'priceCents'],
  fallback: [{ field: 'createdAt', direction: 'desc' }],
} as const;

const filters = {
  status: { type: 'string', operators: ['eq', 'in'], values: ['draft', 'placed'] },
  priceCents: { type: 'integer', operators: ['gte', 'lte'] },
  createdAt: { type: 'datetime', operators: ['gte', 'lt'] },
  archived: { type: 'boolean', operators: ['eq'] },
  customerId: { type: 'uuid', operators: ['eq'] },
  name: { type: 'string', operators: ['contains', 'startsWith'] },
} as const satisfies Record<string, FilterField>;

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('parseSort', () => {
  test('when sort lists fields with and without "-", then they become descending and ascending keys', () => {
    expect(parseSort('-priceCents, name', sortOptions)).toEqual([
      { field: 'priceCents', direction: 'desc' },
      { field: 'name', direction: 'asc' },
    ]);
  });

  test('when sort is absent or empty, then the fallback order applies', () => {
    expect(parseSort(undefined, sortOptions)).toEqual(sortOptions.fallback);
    expect(parseSort(' , ', sortOptions)).toEqual(sortOptions.fallback);
  });

  test('when sort names a field outside the whitelist, then it is an invalid error naming /query/sort', () => {
    const error = caught(() => parseSort('-passwordHash', sortOptions));

    expect(dbErrors.DB_INVALID_LIST_QUERY.is(error)).toBe(true);
    expect(error).toMatchObject({
      kind: 'invalid',
      fields: [
        {
          field: '/query/sort',
          message: 'Cannot sort by "passwordHash"; sortable fields: createdAt, name, priceCents.',
        },
      ],
    });
  });

  test('when sort repeats a field, then it is an invalid error', () => {
    expect(
      dbErrors.DB_INVALID_LIST_QUERY.is(caught(() => parseSort('name,-name', sortOptions))),
    ).toBe(true);
  });
});

describe('parseFilter', () => {
  test('when filters use whitelisted fields and operators, then they become a typed Prisma where', () => {
    const where = parseFilter(
      {
        'filter[status]': 'placed',
        'filter[priceCents][gte]': '1000',
        'filter[priceCents][lte]': '5000',
        'filter[createdAt][gte]': '2026-01-01T00:00:00Z',
        'filter[archived]': 'false',
        'filter[customerId]': '5b8e7f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
        'filter[name][contains]': 'lamp',
        limit: '10',
      },
      filters,
    );

    expect(where).toEqual({
      status: { equals: 'placed' },
      priceCents: { gte: 1000, lte: 5000 },
      createdAt: { gte: new Date('2026-01-01T00:00:00Z') },
      archived: { equals: false },
      customerId: { equals: '5b8e7f4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b' },
      name: { contains: 'lamp' },
    });
  });

  test('when "in" gets comma-separated values, then each is checked and they become a list', () => {
    expect(parseFilter({ 'filter[status][in]': 'draft,placed' }, filters)).toEqual({
      status: { in: ['draft', 'placed'] },
    });
  });

  test('when the query parser nested the filter object (qs), then it reads the same', () => {
    expect(parseFilter({ filter: { status: 'draft', priceCents: { gte: '5' } } }, filters)).toEqual(
      {
        status: { equals: 'draft' },
        priceCents: { gte: 5 },
      },
    );
  });

  test('when filters name unknown fields, wrong operators or bad values, then one invalid error lists each parameter', () => {
    const error = caught(() =>
      parseFilter(
        {
          'filter[passwordHash]': 'x',
          'filter[priceCents][contains]': '1',
          'filter[priceCents][gte]': '12.5',
          'filter[status]': 'shipped',
          'filter[createdAt][lt]': 'yesterday',
          'filter[archived]': ['true', 'false'],
          'filter[customerId]': '42',
        },
        filters,
      ),
    );

    expect(dbErrors.DB_INVALID_LIST_QUERY.is(error)).toBe(true);
    expect((error as { fields: unknown }).fields).toEqual([
      {
        field: '/query/filter[passwordHash]',
        message: expect.stringContaining('Cannot filter by "passwordHash"'),
      },
      { field: '/query/filter[priceCents][contains]', message: '"priceCents" accepts: gte, lte.' },
      { field: '/query/filter[priceCents][gte]', message: '"12.5" is not an integer.' },
      { field: '/query/filter[status]', message: '"shipped" is not one of: draft, placed.' },
      {
        field: '/query/filter[createdAt][lt]',
        message: '"yesterday" is not an ISO 8601 date-time.',
      },
      { field: '/query/filter[archived]', message: 'Give one value.' },
      { field: '/query/filter[customerId]', message: '"42" is not a UUID.' },
    ]);
  });

  test('when a filter names an inherited property such as "constructor", then it is unknown, not a crash', () => {
    expect(
      dbErrors.DB_INVALID_LIST_QUERY.is(
        caught(() => parseFilter({ 'filter[constructor]': 'x' }, filters)),
      ),
    ).toBe(true);
  });
});
