import { describe, expect, test } from 'vitest';
import { parseTodo } from './parse.ts';

const lines = (...text: string[]): string => text.join('\n');

describe('parseTodo', () => {
  test('when items use the three boxes, then each gets its state, ID, title and line', () => {
    const { items, problems } = parseTodo(
      lines(
        '# Checklist',
        '- [ ] **CORE-1** Design APIs',
        '  Evidence: planned (#2): `packages/service-kit/src/create-service.ts`',
        '- [x] **FLOW-2.3** Plan caching',
        '  Evidence: `packages/cache/src/cache-aside.ts`',
        '- [-] **TECH-2.1** Use Pydantic models',
        '  Evidence: N/A — the stack is TypeScript',
      ),
    );
    expect(problems).toEqual([]);
    expect(items.map(({ id, state, title, line }) => ({ id, state, title, line }))).toEqual([
      { id: 'CORE-1', state: 'unchecked', title: 'Design APIs', line: 2 },
      { id: 'FLOW-2.3', state: 'checked', title: 'Plan caching', line: 4 },
      { id: 'TECH-2.1', state: 'not-applicable', title: 'Use Pydantic models', line: 6 },
    ]);
  });

  test('when Evidence mixes paths, test titles and prose, then only backticks and quotes are extracted', () => {
    const { items } = parseTodo(
      lines(
        '- [x] **ARCH-ITEM-2.1** config',
        '  Evidence: see `packages/config/src/load-config.ts` and `docs/adr/`; test: "when PORT is \\"x\\", then it fails"; test: "back\\\\slash"',
      ),
    );
    expect(items[0]?.evidence).toEqual({
      line: 2,
      text: 'see `packages/config/src/load-config.ts` and `docs/adr/`; test: "when PORT is \\"x\\", then it fails"; test: "back\\\\slash"',
      paths: ['packages/config/src/load-config.ts', 'docs/adr/'],
      tests: ['when PORT is "x", then it fails', 'back\\slash'],
    });
  });

  test('when a line looks like an item but breaks the grammar, then it is reported with its line number', () => {
    const { items, problems } = parseTodo(
      lines(
        'Intro',
        '- [X] **CORE-1** Upper-case box',
        '- [ ] CORE-2 ID not bold',
        '  - [ ] **CORE-3** Nested',
        '- [ ] **core-4** Lower-case ID',
        '* [ ] **CORE-5** Star bullet',
        '- [ ] **CORE-6**',
        '- [link](https://example.com) is not an item',
      ),
    );
    expect(items).toEqual([]);
    expect(problems).toEqual([
      { line: 2, message: 'malformed item line: the box must be [ ], [x] or [-]' },
      {
        line: 3,
        message:
          'malformed item line: expected a bold ID after the box, like **CORE-1** or **FLOW-2.3**',
      },
      { line: 4, message: 'malformed item line: items must not be indented (no nested items)' },
      {
        line: 5,
        message:
          'malformed item line: expected a bold ID after the box, like **CORE-1** or **FLOW-2.3**',
      },
      { line: 6, message: 'malformed item line: an item starts with "- [" (dash, space, bracket)' },
      { line: 7, message: 'malformed item line: expected a title after the ID' },
    ]);
  });

  test('when an item has no Evidence line right after it, then the problem names the item', () => {
    const { problems } = parseTodo(
      lines('- [ ] **CORE-1** Design APIs', '', '  Evidence: planned (#2): too late'),
    );
    expect(problems).toEqual([
      {
        line: 1,
        id: 'CORE-1',
        message: 'has no Evidence line (write "  Evidence: ..." on the line right after the item)',
      },
      {
        line: 3,
        message:
          'Evidence line does not directly follow an item line (or is not indented by 2 spaces)',
      },
    ]);
  });

  test('when Evidence quotes are unbalanced or a path escapes the repo, then each is reported', () => {
    const { problems } = parseTodo(
      lines(
        '- [x] **CORE-1** a',
        '  Evidence: `../outside.ts`; `/etc/passwd`; `npm run test`',
        '- [x] **CORE-2** b',
        '  Evidence: test: "never closed',
        '- [x] **CORE-3** c',
        '  Evidence: `never closed',
      ),
    );
    expect(problems).toEqual([
      {
        line: 2,
        id: 'CORE-1',
        message: 'Evidence path `../outside.ts` must not leave the repo (no ".." segments)',
      },
      {
        line: 2,
        id: 'CORE-1',
        message: 'Evidence path `/etc/passwd` must be relative to the repo root',
      },
      {
        line: 2,
        id: 'CORE-1',
        message:
          'Evidence path `npm run test` contains whitespace (backticks hold exactly one path)',
      },
      { line: 4, id: 'CORE-2', message: 'Evidence has an unclosed double quote' },
      { line: 6, id: 'CORE-3', message: 'Evidence has an unclosed backtick' },
    ]);
  });

  test('when example items sit in a fenced code block, then they are not parsed', () => {
    const { items, problems } = parseTodo(
      lines('```markdown', '- [x] **CORE-1** Example', '- [X] broken example', '```'),
    );
    expect(items).toEqual([]);
    expect(problems).toEqual([]);
  });

  test('when a Covers line lists IDs, then they are collected and a non-ID is reported', () => {
    const { covers, problems } = parseTodo(
      lines('1. **Health checks** in service-kit', '   Covers: FLOW-5.2, STD-4.1, health'),
    );
    expect(covers).toEqual([{ line: 2, ids: ['FLOW-5.2', 'STD-4.1'] }]);
    expect(problems).toEqual([
      { line: 2, message: 'Covers names "health", which is not an item ID' },
    ]);
  });
});
