import { describe, expect, it } from 'vitest';
import { wholeFileConflict } from './merge-file.ts';
import type { BaseFile } from './template-base.ts';
import { planUpgrade, type UpgradeAction } from './upgrade-plan.ts';

const text = (value: string): BaseFile => ({ content: Buffer.from(value), executable: false });

/** Plans one file; undefined stands for "no such file" on that side. */
async function planOne(
  base: string | undefined,
  upstream: string | undefined,
  local: string | undefined,
): Promise<UpgradeAction[]> {
  const files = (value: string | undefined) =>
    new Map(value === undefined ? [] : [['a.txt', text(value)] as const]);
  return planUpgrade({
    base: files(base),
    upstream: files(upstream),
    readLocal: async () => (local === undefined ? undefined : Buffer.from(local)),
    labels: { fromVersion: '1.0.0', toVersion: '2.0.0' },
  });
}

describe('planUpgrade', () => {
  it('when a file is removed upstream but changed here, then it is kept and reported', async () => {
    expect(await planOne('a\n', undefined, 'a\nours\n')).toEqual([{ kind: 'kept', path: 'a.txt' }]);
  });

  it('when a file is removed upstream and unchanged here, then it is removed', async () => {
    expect(await planOne('a\n', undefined, 'a\n')).toEqual([{ kind: 'removed', path: 'a.txt' }]);
  });

  it('when only the team changed a file, then upgrading leaves it alone', async () => {
    expect(await planOne('a\n', 'a\n', 'ours\n')).toEqual([]);
  });

  it('when the team already made the upstream change, then nothing is listed', async () => {
    expect(await planOne('a\n', 'b\n', 'b\n')).toEqual([]);
  });

  it('when upstream adds a file the team also created, then both versions meet in a conflict', async () => {
    const [action] = await planOne(undefined, 'theirs\n', 'ours\n');

    expect(action?.kind).toBe('conflicted');
    const content = action?.kind === 'conflicted' ? action.content?.toString() : undefined;
    expect(content).toContain('<<<<<<< a.txt (yours)\nours\n');
    expect(content).toContain('=======\ntheirs\n>>>>>>> a.txt (template 2.0.0)\n');
  });

  it('when a binary file changed on both sides, then it is a conflict that keeps the local bytes', async () => {
    const [action] = await planUpgrade({
      base: new Map([['logo.png', { content: Buffer.from([0, 1]), executable: false }]]),
      upstream: new Map([['logo.png', { content: Buffer.from([0, 2]), executable: false }]]),
      readLocal: async () => Buffer.from([0, 3]),
      labels: { fromVersion: '1.0.0', toVersion: '2.0.0' },
    });

    expect(action).toEqual({
      kind: 'conflicted',
      path: 'logo.png',
      content: undefined,
      conflicts: 1,
    });
  });

  it('when only the executable bit changed upstream, then an untouched file is updated', async () => {
    const actions = await planUpgrade({
      base: new Map([['run', text('x\n')]]),
      upstream: new Map([['run', { content: Buffer.from('x\n'), executable: true }]]),
      readLocal: async () => Buffer.from('x\n'),
      labels: { fromVersion: '1.0.0', toVersion: '2.0.0' },
    });

    expect(actions).toEqual([
      { kind: 'updated', path: 'run', content: Buffer.from('x\n'), executable: true },
    ]);
  });
});

describe('wholeFileConflict', () => {
  it('when git is missing, then the two versions stand whole between markers', () => {
    const result = wholeFileConflict(Buffer.from('ours'), Buffer.from('theirs\n'), {
      local: 'a (yours)',
      base: 'a (1.0.0)',
      upstream: 'a (2.0.0)',
    });

    expect(result.conflicts).toBe(1);
    expect(result.content.toString()).toBe(
      '<<<<<<< a (yours)\nours\n=======\ntheirs\n>>>>>>> a (2.0.0)\n',
    );
  });
});
