import { describe, expect, test } from 'vitest';
import { mixTable, pick, SHOP_MIX, summarize } from './traffic-mix.ts';

describe('traffic mix', () => {
  test('when draws are spread evenly, then each kind comes up in proportion to its weight', () => {
    const counts = new Map<string, number>();
    for (let i = 0; i < 1000; i += 1) {
      const kind = pick(SHOP_MIX, i / 1000);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
    }

    expect(Object.fromEntries(counts)).toEqual({
      'read a product': 600,
      'list products': 200,
      'list orders': 120,
      'place an order': 80,
    });
  });

  test('when the draw is at either end, then it still falls on an entry', () => {
    expect(pick(SHOP_MIX, 0)).toBe('read a product');
    expect(pick(SHOP_MIX, 0.999_999)).toBe('place an order');
    expect(pick(SHOP_MIX, 1)).toBe('place an order');
  });

  test('when calls are summarized, then each kind has its share, percentiles and statuses, failures included', () => {
    const records = [
      ...Array.from({ length: 99 }, (_, i) => ({ kind: 'read a product', status: 200, ms: i + 1 })),
      { kind: 'read a product', status: 0, ms: 500 },
      { kind: 'place an order', status: 201, ms: 10 },
      { kind: 'place an order', status: 503, ms: 30 },
    ];

    const [read, list, , place] = summarize(SHOP_MIX, records);

    expect(read).toMatchObject({ calls: 100, p50Ms: 50.5, p99Ms: 99 });
    expect(read?.share).toBeCloseTo(100 / 102);
    expect([...(read?.statuses ?? [])]).toEqual([
      [0, 1],
      [200, 99],
    ]);
    expect(list).toMatchObject({ calls: 0, share: 0, p50Ms: 0, p99Ms: 0 });
    expect([...(place?.statuses ?? [])]).toEqual([
      [201, 1],
      [503, 1],
    ]);
  });

  test('when the summary is printed, then every kind is a row with its calls per second', () => {
    const table = mixTable(summarize(SHOP_MIX, [{ kind: 'list orders', status: 200, ms: 4 }]), 2);

    expect(table).toContain('| list orders | 1 | 100.0 % | 4.0 ms | 4.0 ms | 200 × 1 |');
    expect(table.split('\n')).toHaveLength(2 + SHOP_MIX.length + 1);
  });
});
