import { describe, expect, it } from 'vitest';
import { lintWorkflows } from './actionlint.ts';

const good = `name: ok
on: push
permissions: {}
jobs:
  build:
    runs-on: ubuntu-24.04
    steps:
      - run: echo hello
`;

describe('lintWorkflows', () => {
  it('when a workflow is valid, then actionlint reports nothing', async () => {
    expect(await lintWorkflows([{ path: 'good.yml', data: good }])).toEqual([]);
  });

  it('when a job needs a missing job and injects an untrusted title, then both are reported', async () => {
    const bad = `name: bad
on: pull_request
jobs:
  test:
    needs: [biuld]
    runs-on: ubuntu-24.04
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
`;
    const found = (await lintWorkflows([{ path: 'bad.yml', data: bad }])).map((f) => f.message);
    expect(found.some((m) => m.includes('biuld'))).toBe(true);
    expect(found.some((m) => m.includes('potentially untrusted'))).toBe(true);
  });
});
