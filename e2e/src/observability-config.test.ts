import { execFile, execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, test } from 'vitest';
import {
  alertRules,
  dashboardQueries,
  declaredMissing,
  metricNames,
  readYaml,
  repoPath,
} from '../test/support/observability-files.ts';

const run = promisify(execFile);
const PROMETHEUS_DIR = repoPath('infra/observability');

/** Debian's `prometheus` package provides promtool; without it the structural checks below remain. */
function hasPromtool(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('the OpenTelemetry Collector config', () => {
  type Pipeline = { receivers: string[]; processors: string[]; exporters: string[] };
  const config = readYaml('infra/observability/otel-collector.yaml') as {
    receivers: Record<string, { protocols?: { http?: { endpoint: string } } }>;
    processors: Record<string, unknown>;
    exporters: Record<string, { endpoint?: string }>;
    extensions?: Record<string, unknown>;
    service: { extensions?: string[]; pipelines: Record<string, Pipeline> };
  };

  test('when the apps export OTLP/HTTP to port 4318, then the traces pipeline receives it, limits memory first, batches, and exports to Jaeger over OTLP and to the debug exporter', () => {
    expect(config.receivers.otlp?.protocols?.http?.endpoint).toMatch(/:4318$/);
    const traces = config.service.pipelines.traces as Pipeline;
    expect(traces.receivers).toEqual(['otlp']);
    expect(traces.processors).toEqual(['memory_limiter', 'batch']);
    expect(traces.exporters).toEqual(['otlp/jaeger', 'debug']);
    expect(config.exporters['otlp/jaeger']?.endpoint).toBe('jaeger:4317');
  });

  test('when a pipeline or the service names a component, then that component is configured', () => {
    for (const [name, pipeline] of Object.entries(config.service.pipelines)) {
      for (const receiver of pipeline.receivers)
        expect(config.receivers, name).toHaveProperty([receiver]);
      for (const processor of pipeline.processors)
        expect(config.processors, name).toHaveProperty([processor]);
      for (const exporter of pipeline.exporters)
        expect(config.exporters, name).toHaveProperty([exporter]);
    }
    for (const extension of config.service.extensions ?? []) {
      expect(config.extensions).toHaveProperty([extension]);
    }
  });
});

describe('the Prometheus config', () => {
  test('when Prometheus scrapes, then each app is a job of its own name on its service port, and the alert rules are loaded', () => {
    const config = readYaml('infra/observability/prometheus.yml') as {
      rule_files: string[];
      scrape_configs: {
        job_name: string;
        metrics_path?: string;
        static_configs: { targets: string[] }[];
      }[];
    };
    const targets = Object.fromEntries(
      config.scrape_configs.map((job) => [
        job.job_name,
        job.static_configs.flatMap((c) => c.targets),
      ]),
    );
    expect(targets).toMatchObject({
      gateway: ['gateway:3000'],
      identity: ['identity:3001'],
      orders: ['orders:3002'],
      worker: ['worker:3003'],
    });
    // /metrics is Prometheus's default path: no job may point elsewhere.
    expect(config.scrape_configs.every((job) => job.metrics_path === undefined)).toBe(true);
    expect(config.rule_files).toEqual(['alerts.yml']);
  });

  test.runIf(hasPromtool())(
    'when promtool checks the config and the rules and runs their unit tests, then all pass',
    async () => {
      await run('promtool', ['check', 'config', 'prometheus.yml'], { cwd: PROMETHEUS_DIR });
      const checked = await run('promtool', ['check', 'rules', 'alerts.yml'], {
        cwd: PROMETHEUS_DIR,
      });
      expect(checked.stdout).toMatch(/SUCCESS: \d+ rules found/);
      const tested = await run('promtool', ['test', 'rules', 'alerts.test.yml'], {
        cwd: PROMETHEUS_DIR,
      });
      expect(tested.stdout).toContain('SUCCESS');
    },
  );
});

describe('the alert rules', () => {
  const rules = alertRules();
  const alerts = rules.filter((rule) => rule.alert !== undefined);

  test('when the rules are read, then each is a recording rule or an alert with an expression', () => {
    for (const rule of rules) {
      expect((rule.record === undefined) !== (rule.alert === undefined), JSON.stringify(rule)).toBe(
        true,
      );
      expect(rule.expr.trim().length).toBeGreaterThan(0);
    }
    expect(new Set(alerts.map((rule) => rule.alert))).toEqual(
      new Set([
        'Http5xxRateHigh',
        'HttpAvailabilitySloBurnRate',
        'HttpLatencySloBurnRate',
        'ReadinessFailing',
        'ScrapeTargetDown',
        'CircuitBreakerOpen',
        'RedisEvictionPolicyWrong',
        'DeadLetterQueueGrowing',
      ]),
    );
  });

  test.each(alerts.map((rule) => [`${rule.alert} (${rule.labels?.severity})`, rule] as const))(
    'when %s fires, then it has a severity, a summary, a description and a runbook that exists in the repository',
    (_name, rule) => {
      expect(['page', 'ticket']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary).toBeTruthy();
      expect(rule.annotations?.description).toBeTruthy();
      const runbook = String(rule.annotations?.runbook_url);
      expect(runbook).toMatch(/^docs\/runbooks\/[a-z0-9-]+\.md$/);
      expect(existsSync(repoPath(runbook)), runbook).toBe(true);
    },
  );

  test('when an alert reads a metric the apps do not export, then its description says NOT EXPORTED YET or names the external exporter', () => {
    for (const rule of alerts) {
      for (const name of declaredMissing(rule)) {
        expect(metricNames(rule.expr), rule.alert).toContain(name);
        expect(rule.annotations?.description).toMatch(/NOT EXPORTED YET|redis_exporter/);
      }
    }
  });
});

describe('docker-compose --profile observability', () => {
  test('when it mounts a file or folder of infra/observability, then that path exists', () => {
    const compose = readYaml('docker-compose.yml') as {
      services: Record<string, { volumes?: string[] }>;
    };
    const mounted = Object.values(compose.services)
      .flatMap((service) => service.volumes ?? [])
      .map((volume) => volume.split(':')[0] as string)
      .filter((source) => source.startsWith('./infra/observability'));
    expect(mounted.length).toBeGreaterThanOrEqual(3);
    for (const source of mounted) expect(existsSync(repoPath(source.slice(2))), source).toBe(true);
  });
});

describe('the Grafana dashboard', () => {
  test('when it is parsed, then every panel query selects only the RED histogram or process metrics', () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(8);
    const names = new Set(queries.flatMap((query) => metricNames(query.expr)));
    expect([...names].sort()).toEqual([
      'http_server_request_duration_seconds_bucket',
      'http_server_request_duration_seconds_count',
      'nodejs_eventloop_lag_p99_seconds',
      'process_cpu_seconds_total',
      'process_resident_memory_bytes',
    ]);
  });
});
