/** One line of a scrape: a series and its value. */
export interface PrometheusSample {
  /** Full sample name, suffix included (`http_server_request_duration_seconds_bucket`). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface PrometheusFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  readonly help: string;
}

export interface PrometheusScrape {
  readonly families: ReadonlyMap<string, PrometheusFamily>;
  readonly samples: readonly PrometheusSample[];
  /** Samples named `name`, optionally only those whose labels include `labels`. */
  find(name: string, labels?: Readonly<Record<string, string>>): PrometheusSample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*';
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const LABEL_PAIR = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'y');
const SAMPLE = new RegExp(`^(${NAME})(\\{[^\\n]*\\})?[ \\t]+(\\S+)(?:[ \\t]+(-?\\d+))?[ \\t]*$`);
const TYPE_LINE = new RegExp(
  `^#[ \\t]+TYPE[ \\t]+(${NAME})[ \\t]+(counter|gauge|histogram|summary|untyped)[ \\t]*$`,
);
const HELP_LINE = new RegExp(`^#[ \\t]+HELP[ \\t]+(${NAME})(?:[ \\t]+(.*))?$`);
const TYPED_SUFFIXES: Readonly<Record<string, readonly string[]>> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
};

/**
 * Parses the Prometheus text exposition format (version 0.0.4) strictly: a malformed line, a
 * label without quotes, a value that is not a float, a sample of a declared histogram without
 * its suffix, or a `le` bucket series that is not cumulative, throws with the line number.
 * For tests of `/metrics`.
 *
 * @throws {SyntaxError} describing the first offending line.
 * @example
 * const scrape = parsePrometheusText(await (await fetch(`${base}/metrics`)).text());
 * scrape.find('http_server_request_duration_seconds_count', { route: '/v1/orders/:id' });
 */
export function parsePrometheusText(text: string): PrometheusScrape {
  const families = new Map<string, PrometheusFamily>();
  const helps = new Map<string, string>();
  const samples: PrometheusSample[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const fail = (problem: string): never => {
      throw new SyntaxError(`line ${index + 1}: ${problem}: ${JSON.stringify(line)}`);
    };
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const type = TYPE_LINE.exec(line);
      if (type !== null) {
        const [, name = '', kind] = type;
        if (families.has(name)) fail(`second TYPE for ${name}`);
        families.set(name, {
          name,
          type: kind as PrometheusFamily['type'],
          help: helps.get(name) ?? '',
        });
        return;
      }
      const help = HELP_LINE.exec(line);
      if (help !== null) helps.set(help[1] ?? '', help[2] ?? '');
      else if (/^#[ \t]+(HELP|TYPE)\b/.test(line)) fail('malformed HELP or TYPE line');
      return;
    }
    const match = SAMPLE.exec(line) ?? fail('not a sample line');
    const [, name = '', labelText, valueText = ''] = match;
    const value = parseValue(valueText) ?? fail(`"${valueText}" is not a float`);
    const labels = labelText === undefined ? {} : (parseLabels(labelText) ?? fail('bad labels'));
    checkFamily(families, name, labels, fail);
    samples.push({ name, labels, value });
  });
  checkBuckets(families, samples);
  return {
    families,
    samples,
    find: (name, wanted = {}) =>
      samples.filter(
        (sample) =>
          sample.name === name &&
          Object.entries(wanted).every(([key, value]) => sample.labels[key] === value),
      ),
  };
}

function parseValue(text: string): number | undefined {
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity;
  if (/^nan$/i.test(text)) return Number.NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  return Number(text);
}

function parseLabels(text: string): Record<string, string> | undefined {
  const labels: Record<string, string> = {};
  const body = text.slice(1, -1);
  let position = 0;
  while (position < body.length) {
    LABEL_PAIR.lastIndex = position;
    const pair = LABEL_PAIR.exec(body);
    if (pair === null) return undefined;
    const [whole, name = '', quoted = '""'] = pair;
    if (name in labels) return undefined;
    labels[name] = quoted.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    position += whole.length;
    if (position < body.length) {
      if (body[position] !== ',') return undefined;
      position += 1;
    }
  }
  return labels;
}

/** A sample must belong to the family its TYPE declared, with the suffixes that type allows. */
function checkFamily(
  families: ReadonlyMap<string, PrometheusFamily>,
  name: string,
  labels: Record<string, string>,
  fail: (problem: string) => never,
): void {
  for (const [family, suffixes] of Object.entries(TYPED_SUFFIXES)) {
    for (const suffix of suffixes) {
      const base = suffix === '' ? name : name.slice(0, -suffix.length);
      if (suffix !== '' && !name.endsWith(suffix)) continue;
      if (families.get(base)?.type !== family) continue;
      if (suffix === '_bucket' && labels.le === undefined) fail('a bucket without le');
      return;
    }
  }
  const declared = families.get(name);
  if (declared?.type === 'histogram') fail(`histogram ${name} sampled without a suffix`);
}

/** Buckets of each histogram series must be cumulative and end with `+Inf` equal to `_count`. */
function checkBuckets(
  families: ReadonlyMap<string, PrometheusFamily>,
  samples: readonly PrometheusSample[],
): void {
  const series = new Map<string, { le: number; value: number }[]>();
  const counts = new Map<string, number>();
  for (const sample of samples) {
    const family = [...families.values()].find(
      (candidate) =>
        candidate.type === 'histogram' &&
        (sample.name === `${candidate.name}_bucket` || sample.name === `${candidate.name}_count`),
    );
    if (family === undefined) continue;
    const { le, ...rest } = sample.labels;
    const key = `${family.name}${JSON.stringify(Object.entries(rest).sort())}`;
    if (sample.name.endsWith('_count')) counts.set(key, sample.value);
    else
      series.set(key, [
        ...(series.get(key) ?? []),
        { le: parseValue(le ?? '') ?? NaN, value: sample.value },
      ]);
  }
  for (const [key, buckets] of series) {
    const sorted = [...buckets].sort((a, b) => a.le - b.le);
    sorted.forEach((bucket, i) => {
      if (i > 0 && bucket.value < (sorted[i - 1]?.value ?? 0)) {
        throw new SyntaxError(`histogram ${key}: bucket le=${bucket.le} is not cumulative`);
      }
    });
    const last = sorted.at(-1);
    if (last?.le !== Infinity) throw new SyntaxError(`histogram ${key}: no le="+Inf" bucket`);
    if (counts.has(key) && counts.get(key) !== last.value) {
      throw new SyntaxError(`histogram ${key}: le="+Inf" (${last.value}) differs from _count`);
    }
  }
}
