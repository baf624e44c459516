import { describe, expect, test } from 'vitest';
import { extractTestTitles } from './test-titles.ts';

describe('extractTestTitles', () => {
  test('when test, it and describe take a string or plain template, then each title is found', () => {
    const source = [
      "describe('orders', () => {",
      '  test("when stock runs out, then 409", async () => {});',
      "  it('when the user\\'s token expired, then 401', () => {});",
      '  test(`when a template has no substitution, then it counts`, () => {});',
      "  test.concurrent('when run concurrently, then it counts', () => {});",
      '});',
    ].join('\n');
    expect(extractTestTitles(source)).toEqual([
      'orders',
      'when stock runs out, then 409',
      "when the user's token expired, then 401",
      'when a template has no substitution, then it counts',
      'when run concurrently, then it counts',
    ]);
  });

  test('when a title is skipped, todo, parameterised or a method call, then it is not a title', () => {
    const source = [
      "test.skip('skipped', () => {});",
      "test.todo('todo');",
      "it.only('focused', () => {});",
      "test.each([1])('each %s', () => {});",
      "expect(/when/.test('regex method')).toBe(true);",
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is source text under test
      'test(`with ${substitution}`, () => {});',
      "const name = 'test'; test(name, () => {});",
    ].join('\n');
    expect(extractTestTitles(source)).toEqual([]);
  });

  test('when a call only appears in a comment or inside a string, then it is not a title', () => {
    const source = [
      "// test('commented out', () => {});",
      "/* it('block comment', () => {}); */",
      'const fixture = "test(\'inside a string\', () => {})";',
      "const template = `it('inside a template', () => {})`;",
      "const pattern = /test('inside a regex')/;",
      "test('the real one', () => { writeFile(\"describe('nested fixture')\"); });",
    ].join('\n');
    expect(extractTestTitles(source)).toEqual(['the real one']);
  });

  test('when a template substitution holds braces and strings, then tokenizing resumes correctly', () => {
    const source = [
      // biome-ignore lint/suspicious/noTemplateCurlyInString: this is source text under test
      'const text = `a ${JSON.stringify({ b: "}" })} c`;',
      "test('after the template', () => {});",
    ].join('\n');
    expect(extractTestTitles(source)).toEqual(['after the template']);
  });

  test('when a division follows a value, then it is not read as a regular expression', () => {
    const source = [
      'const half = total / 2; const third = total / 3;',
      "test('after divisions', () => {});",
    ].join('\n');
    expect(extractTestTitles(source)).toEqual(['after divisions']);
  });

  test('when a title uses escapes, then its cooked text is returned', () => {
    expect(extractTestTitles("test('tab\\there \\u00e9 \\x41 \\u{1F600}', () => {});")).toEqual([
      'tab\there é A 😀',
    ]);
  });
});
