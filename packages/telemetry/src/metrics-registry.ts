import {
  Counter,
  collectDefaultMetrics,
  Gauge,
  Histogram,
  type LabelValues,
  Registry,
} from 'prom-client';

export interface MetricSpec<L extends string> {
  /**
   * Prometheus name: snake_case, the unit as suffix (`_seconds`, `_bytes`), `_total` on counters,
   * a component prefix (`queue_`, `cache_`, `db_pool_`).
   */
  readonly name: string;
  /** One sentence for the `# HELP` line. */
  readonly help: string;
  /**
   * Label names. Every distinct combination of values is a separate series held in memory and
   * stored by Prometheus: use bounded values only (route patterns, queue names, status codes),
   * never ids, emails or raw URLs.
   */
  readonly labelNames?: readonly L[];
}

export interface HistogramSpec<L extends string> extends MetricSpec<L> {
  /** Upper bounds of the buckets, in the metric's unit. */
  readonly buckets: readonly number[];
}

/** Hands one value of an observed gauge to the registry, with its labels. */
export type Report<L extends string> = (value: number, labels?: LabelValues<L>) => void;

export interface MetricsRegistry {
  /** `Content-Type` of `metrics()`: the Prometheus text format, version 0.0.4. */
  readonly contentType: string;
  /** Runs the observers, then renders every metric as Prometheus text. */
  metrics(): Promise<string>;
  /** A monotonic counter (rate-limit rejections, retries). Same spec again: the same counter. */
  counter<L extends string = never>(spec: MetricSpec<L>): Counter<L>;
  /** A gauge you set when its value changes (breaker state). Same spec again: the same gauge. */
  gauge<L extends string = never>(spec: MetricSpec<L>): Gauge<L>;
  /** A histogram (Redis command latency). Same spec again: the same histogram. */
  histogram<L extends string = never>(spec: HistogramSpec<L>): Histogram<L>;
  /**
   * A gauge read at scrape time (queue depth, pool usage): `observe` is called on every scrape
   * and reports the current values. Several observers may share one gauge (one per queue, each
   * reporting its own `queue` label). A failing observer loses only its own values, counted in
   * `metrics_observer_failures_total`. Keep observers quick: a scrape waits for all of them.
   *
   * @returns a function that removes the observer (call it when the source closes).
   */
  observe<L extends string = never>(
    spec: MetricSpec<L>,
    observe: (report: Report<L>) => void | Promise<void>,
  ): () => void;
}

export interface MetricsRegistryOptions {
  /**
   * Add the process metrics (CPU, resident memory, heap, GC, event loop lag, open handles and
   * file descriptors) under their usual prom-client names. Default true.
   */
  readonly processMetrics?: boolean;
}

type Kind = 'counter' | 'gauge' | 'histogram' | 'observed gauge';

interface Entry {
  readonly kind: Kind;
  readonly labelNames: readonly string[];
  readonly metric: Counter<string> | Gauge<string> | Histogram<string>;
  readonly observers?: Set<Observer>;
}

type Observer = (report: Report<string>) => void | Promise<void>;

const METRIC_NAME = /^[a-z][a-z0-9_]*$/;

/**
 * Creates a registry of Prometheus metrics, the process metrics included. Apps use the one
 * `defaultMetricsRegistry()` returns, which the service kit serves at `/metrics`; tests create
 * their own.
 *
 * @example
 * const metrics = defaultMetricsRegistry();
 * const rejections = metrics.counter({
 *   name: 'rate_limit_rejections_total',
 *   help: 'Requests refused by the rate limiter, by limit.',
 *   labelNames: ['limit'],
 * });
 * rejections.inc({ limit: 'per-ip' });
 *
 * const stop = metrics.observe(
 *   { name: 'queue_jobs', help: 'Jobs in each queue by state.', labelNames: ['queue', 'state'] },
 *   async (report) => {
 *     const counts = await queue.getJobCounts('waiting', 'active', 'failed');
 *     for (const [state, count] of Object.entries(counts)) report(count, { queue: queue.name, state });
 *   },
 * );
 */
export function createMetricsRegistry(options: MetricsRegistryOptions = {}): MetricsRegistry {
  const registry = new Registry();
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });
  const entries = new Map<string, Entry>();

  const define = <M extends Entry['metric']>(
    kind: Kind,
    spec: MetricSpec<string>,
    create: (labelNames: string[]) => M,
    observers?: Entry['observers'],
  ): Entry => {
    const labelNames = [...(spec.labelNames ?? [])].sort();
    const existing = entries.get(spec.name);
    if (existing !== undefined) {
      if (existing.kind !== kind || existing.labelNames.join() !== labelNames.join()) {
        throw new TypeError(
          `metrics: ${spec.name} is already a ${existing.kind} with labels [${existing.labelNames}]; ` +
            `it cannot also be a ${kind} with labels [${labelNames}]`,
        );
      }
      return existing;
    }
    checkName(kind, spec.name);
    const entry: Entry = { kind, labelNames, metric: create(labelNames), observers };
    entries.set(spec.name, entry);
    return entry;
  };

  const runObservers = async (name: string, entry: Entry) => {
    if (entry.observers === undefined) return;
    const gauge = entry.metric as Gauge<string>;
    // Values come only from this scrape: a queue that was closed leaves no stale series.
    gauge.reset();
    const report: Report<string> = (value, labels) => {
      if (labels === undefined) gauge.set(value);
      else gauge.set(labels, value);
    };
    await Promise.all(
      [...entry.observers].map(async (observer) => {
        try {
          await observer(report);
        } catch {
          failureCounter().inc({ metric: name });
        }
      }),
    );
  };

  let observerFailures: Counter<'metric'> | undefined;
  // Registered with the first observer, so that it shows (at 0) before anything fails.
  const failureCounter = () => {
    observerFailures ??= new Counter({
      name: 'metrics_observer_failures_total',
      help: 'Observers of scrape-time gauges that threw; their values were left out.',
      labelNames: ['metric'],
      registers: [registry],
    });
    return observerFailures;
  };

  return {
    contentType: registry.contentType,
    async metrics() {
      // Observers run before rendering, so that their values and their failures both show in
      // this scrape (prom-client renders metrics concurrently).
      await Promise.all([...entries].map(([name, entry]) => runObservers(name, entry)));
      return registry.metrics();
    },
    counter: (spec) =>
      define(
        'counter',
        spec,
        (labelNames) => new Counter({ ...spec, labelNames, registers: [registry] }),
      ).metric as Counter<never>,
    gauge: (spec) =>
      define(
        'gauge',
        spec,
        (labelNames) => new Gauge({ ...spec, labelNames, registers: [registry] }),
      ).metric as Gauge<never>,
    histogram: (spec) =>
      define(
        'histogram',
        spec,
        (labelNames) =>
          new Histogram({ ...spec, labelNames, buckets: [...spec.buckets], registers: [registry] }),
      ).metric as Histogram<never>,
    observe(spec, observe) {
      failureCounter();
      const entry = define(
        'observed gauge',
        spec,
        (labelNames) => new Gauge({ ...spec, labelNames, registers: [registry] }),
        new Set(),
      );
      const callback = observe as Observer;
      entry.observers?.add(callback);
      return () => {
        entry.observers?.delete(callback);
      };
    },
  };
}

function checkName(kind: Kind, name: string): void {
  if (!METRIC_NAME.test(name)) {
    throw new TypeError(`metrics: "${name}" is not a snake_case Prometheus metric name`);
  }
  if (kind === 'counter' && !name.endsWith('_total')) {
    throw new TypeError(`metrics: counter "${name}" must end with _total`);
  }
  if (kind !== 'counter' && name.endsWith('_total')) {
    throw new TypeError(`metrics: only counters end with _total ("${name}" is a ${kind})`);
  }
}
