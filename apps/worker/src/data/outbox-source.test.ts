import { describe, expect, test } from 'vitest';
import { gapFreeGroups, type OutboxRow } from './outbox-source.ts';

const row = (aggregate: string, seq: number, ahead: number): OutboxRow & { ahead: number } => ({
  id: `${aggregate}-${seq}`,
  aggregate,
  type: 'test.happened',
  payload: { seq },
  traceparent: null,
  createdAt: new Date(0),
  ahead,
});

describe('gapFreeGroups', () => {
  test('when every claimed row follows the one before it, then each aggregate is one group in order', () => {
    const groups = gapFreeGroups([row('a', 0, 0), row('a', 1, 1), row('b', 0, 0), row('a', 2, 2)]);

    expect(groups.map((group) => group.map(({ id }) => id))).toEqual([
      ['a-0', 'a-1', 'a-2'],
      ['b-0'],
    ]);
  });

  test('when a row has more events ahead than were claimed before it, then its aggregate is cut there', () => {
    // a-1 was skipped (locked elsewhere): a-2 sees two events ahead but only a-0 was claimed.
    const groups = gapFreeGroups([row('a', 0, 0), row('a', 2, 2), row('a', 3, 3), row('b', 0, 0)]);

    expect(groups.map((group) => group.map(({ id }) => id))).toEqual([['a-0'], ['b-0']]);
  });

  test('when the oldest event of an aggregate was skipped, then the aggregate yields nothing', () => {
    const groups = gapFreeGroups([row('a', 1, 1), row('a', 2, 2)]);

    expect(groups).toEqual([]);
  });

  test('when rows are handed on, then the ahead count is not part of them', () => {
    const [[first] = []] = gapFreeGroups([row('a', 0, 0)]);

    expect(first).not.toHaveProperty('ahead');
  });
});
