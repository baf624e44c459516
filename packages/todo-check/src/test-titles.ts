/**
 * Finds the titles that a test file declares. A title counts only when it is the first argument
 * of a call to `test`, `it` or `describe` (optionally `.concurrent` / `.sequential`), written as a
 * string literal or a template literal without `${}`. So a title in a comment, in another string,
 * in `test.skip(...)` / `test.todo(...)`, or in `regex.test(...)` proves nothing, which is the
 * point: evidence must name a test that runs.
 *
 * A small tokenizer (comments, strings, templates, regular expressions) rather than a regex over
 * the text, because a regex cannot tell code from a string that merely contains code.
 */

const TEST_FUNCTIONS = new Set(['test', 'it', 'describe']);
/** Modifiers under which the test still runs; `skip`, `todo`, `only`, `fails`, `each` do not qualify. */
const RUNNING_MODIFIERS = new Set(['concurrent', 'sequential']);
/** After these words a `/` starts a regular expression, not a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set([
  'await',
  'case',
  'delete',
  'do',
  'else',
  'in',
  'instanceof',
  'new',
  'of',
  'return',
  'throw',
  'typeof',
  'void',
  'yield',
]);

type Token =
  | { readonly kind: 'name'; readonly value: string }
  | { readonly kind: 'punct'; readonly value: string }
  /** A string literal or a substitution-free template, with escapes applied. */
  | { readonly kind: 'string'; readonly value: string }
  /** Numbers, regular expressions and templates with substitutions: never a title. */
  | { readonly kind: 'other' };

/**
 * Returns the titles declared in one test file's source, in source order.
 *
 * @example
 * extractTestTitles("test('when x, then y', () => {}); // it('not this')");
 * // ['when x, then y']
 */
export function extractTestTitles(source: string): string[] {
  const tokens = tokenize(source);
  const titles: string[] = [];
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at];
    if (token?.kind !== 'name' || !TEST_FUNCTIONS.has(token.value)) continue;
    if (isPunct(tokens[at - 1], '.')) continue;
    let next = at + 1;
    while (isPunct(tokens[next], '.') && isModifier(tokens[next + 1])) next += 2;
    const argument = tokens[next + 1];
    if (isPunct(tokens[next], '(') && argument?.kind === 'string') titles.push(argument.value);
  }
  return titles;
}

function isPunct(token: Token | undefined, value: string): boolean {
  return token?.kind === 'punct' && token.value === value;
}

function isModifier(token: Token | undefined): boolean {
  return token?.kind === 'name' && RUNNING_MODIFIERS.has(token.value);
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  /** Open `{` braces and `${` substitutions, so a `}` knows whether it resumes a template. */
  const nesting: Array<'brace' | 'substitution'> = [];
  let at = 0;

  /** Reads template text; only a whole template without `${}` can be a title. */
  const continueTemplate = (start: number, afterSubstitution: boolean): number => {
    const template = readTemplate(source, start);
    if (template.opensSubstitution) nesting.push('substitution');
    const whole = !afterSubstitution && !template.opensSubstitution;
    tokens.push(whole ? { kind: 'string', value: template.value } : { kind: 'other' });
    return template.end;
  };

  while (at < source.length) {
    const char = source[at] ?? '';
    const next = source[at + 1];

    if (/\s/.test(char)) {
      at++;
    } else if (char === '/' && next === '/') {
      const end = source.indexOf('\n', at);
      at = end === -1 ? source.length : end;
    } else if (char === '/' && next === '*') {
      const end = source.indexOf('*/', at + 2);
      at = end === -1 ? source.length : end + 2;
    } else if (char === '"' || char === "'") {
      const literal = readString(source, at + 1, char);
      tokens.push({ kind: 'string', value: literal.value });
      at = literal.end;
    } else if (char === '`') {
      at = continueTemplate(at + 1, false);
    } else if (char === '}' && nesting.at(-1) === 'substitution') {
      nesting.pop();
      at = continueTemplate(at + 1, true);
    } else if (/[A-Za-z_$]/.test(char)) {
      const name = matchAt(NAME, source, at) ?? char;
      tokens.push({ kind: 'name', value: name });
      at += name.length;
    } else if (/\d/.test(char)) {
      const number = matchAt(NUMBER, source, at) ?? char;
      tokens.push({ kind: 'other' });
      at += number.length;
    } else if (char === '/' && regexCanStartAfter(tokens.at(-1))) {
      const end = readRegexEnd(source, at + 1);
      if (end === undefined) {
        tokens.push({ kind: 'punct', value: char });
        at++;
      } else {
        tokens.push({ kind: 'other' });
        at = end;
      }
    } else {
      if (char === '{') nesting.push('brace');
      else if (char === '}') nesting.pop();
      tokens.push({ kind: 'punct', value: char });
      at++;
    }
  }
  return tokens;
}

// Sticky patterns match exactly at `lastIndex`, so the tokenizer never copies the source.
const NAME = /[\w$]+/y;
const NUMBER = /[\w.]+/y;
const FLAGS = /[a-z]*/y;
const BRACED_CODE_POINT = /\{([\da-fA-F]{1,6})\}/y;

function matchAt(pattern: RegExp, source: string, at: number): string | undefined {
  pattern.lastIndex = at;
  return pattern.exec(source)?.[0];
}

function regexCanStartAfter(previous: Token | undefined): boolean {
  if (previous === undefined) return true;
  if (previous.kind === 'punct') return !')]}'.includes(previous.value);
  if (previous.kind === 'name') return KEYWORDS_BEFORE_EXPRESSION.has(previous.value);
  return false;
}

/** Returns the index just past a regular expression literal's flags, or undefined if it is not one. */
function readRegexEnd(source: string, start: number): number | undefined {
  let inClass = false;
  for (let at = start; at < source.length; at++) {
    const char = source[at];
    if (char === '\n') return undefined;
    if (char === '\\') at++;
    else if (char === '[') inClass = true;
    else if (char === ']') inClass = false;
    else if (char === '/' && !inClass) {
      const flags = matchAt(FLAGS, source, at + 1) ?? '';
      return at + 1 + flags.length;
    }
  }
  return undefined;
}

function readString(source: string, start: number, quote: string): { value: string; end: number } {
  let value = '';
  for (let at = start; at < source.length; at++) {
    const char = source[at] ?? '';
    if (char === quote) return { value, end: at + 1 };
    if (char === '\n') return { value, end: at }; // unterminated: stop at the line end
    if (char === '\\') {
      const cooked = readEscape(source, at + 1);
      value += cooked.value;
      at = cooked.end - 1;
    } else {
      value += char;
    }
  }
  return { value, end: source.length };
}

/** Reads template text from `start` up to the closing backtick or the next `${`. */
function readTemplate(
  source: string,
  start: number,
): { value: string; end: number; opensSubstitution: boolean } {
  let value = '';
  for (let at = start; at < source.length; at++) {
    const char = source[at] ?? '';
    if (char === '`') return { value, end: at + 1, opensSubstitution: false };
    if (char === '$' && source[at + 1] === '{') {
      return { value, end: at + 2, opensSubstitution: true };
    }
    if (char === '\\') {
      const cooked = readEscape(source, at + 1);
      value += cooked.value;
      at = cooked.end - 1;
    } else if (char === '\r') {
      // Template literals normalise CRLF and CR to LF.
      value += '\n';
      if (source[at + 1] === '\n') at++;
    } else {
      value += char;
    }
  }
  return { value, end: source.length, opensSubstitution: false };
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  r: '\r',
  t: '\t',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
};

/** Cooks one escape sequence; `start` is the index just after the backslash. */
function readEscape(source: string, start: number): { value: string; end: number } {
  const char = source[start] ?? '';
  if (char in SIMPLE_ESCAPES) return { value: SIMPLE_ESCAPES[char] ?? '', end: start + 1 };
  if (char === '\r') return { value: '', end: source[start + 1] === '\n' ? start + 2 : start + 1 };
  if (char === '\n') return { value: '', end: start + 1 }; // line continuation
  if (char === 'x') {
    const hex = source.slice(start + 1, start + 3);
    if (/^[\da-fA-F]{2}$/.test(hex)) {
      return { value: String.fromCharCode(Number.parseInt(hex, 16)), end: start + 3 };
    }
  }
  if (char === 'u') {
    BRACED_CODE_POINT.lastIndex = start + 1;
    const braced = BRACED_CODE_POINT.exec(source);
    if (braced?.[1]) {
      return {
        value: String.fromCodePoint(Number.parseInt(braced[1], 16)),
        end: start + 1 + braced[0].length,
      };
    }
    const hex = source.slice(start + 1, start + 5);
    if (/^[\da-fA-F]{4}$/.test(hex)) {
      return { value: String.fromCharCode(Number.parseInt(hex, 16)), end: start + 5 };
    }
  }
  return { value: char, end: start + 1 };
}
