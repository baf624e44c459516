import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkPolicy, type KubernetesObject, preStopSeconds } from './policy.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const load = (file: string) =>
  parse(readFileSync(path.join(repo, file), 'utf8')) as KubernetesObject;
const messages = (objects: KubernetesObject[]) => checkPolicy(objects).map((f) => f.message);

const drainConfig: KubernetesObject = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'groundwork-config' },
  data: { SHUTDOWN_READINESS_DELAY_MS: '5000', SHUTDOWN_DRAIN_TIMEOUT_MS: '20000' },
};

describe('checkPolicy', () => {
  it.each(['gateway', 'identity', 'orders', 'worker'])(
    'when the base %s Deployment is checked with the shared ConfigMap, then it passes',
    (app) => {
      expect(checkPolicy([drainConfig, load(`infra/k8s/base/${app}/deployment.yaml`)])).toEqual([]);
    },
  );

  it('when the migration Job and backup CronJob are checked, then they pass', () => {
    const [cronJob] = readFileSync(path.join(repo, 'infra/k8s/base/backup-cron-job.yaml'), 'utf8')
      .split(/^---$/m)
      .map((doc) => parse(doc) as KubernetesObject);
    expect(
      checkPolicy([load('infra/k8s/base/migrate-job.yaml'), cronJob as KubernetesObject]),
    ).toEqual([]);
  });

  it('when a Deployment has no probes, preStop, resources or security context, then each is reported', () => {
    const found = messages([load('infra/check/test/fixtures/bad-deployment.yaml')]);
    expect(found).toEqual(
      expect.arrayContaining([
        'must set automountServiceAccountToken: false',
        'needs topologySpreadConstraints',
        'resources.requests needs cpu and memory',
        'resources.limits needs memory',
        'must set runAsNonRoot: true (pod or container)',
        'must set allowPrivilegeEscalation: false',
        'must set readOnlyRootFilesystem: true',
        'must drop ALL capabilities',
        'needs seccompProfile RuntimeDefault (pod or container)',
        'needs a startupProbe',
        'needs a livenessProbe',
        'needs a readinessProbe',
        'needs a preStop hook (sleep) so endpoints drain first',
      ]),
    );
  });

  it('when the grace period does not outlast preStop plus the drain, then it is reported', () => {
    const deployment = load('infra/k8s/base/orders/deployment.yaml');
    const pod = (deployment.spec as { template: { spec: Record<string, unknown> } }).template.spec;
    pod.terminationGracePeriodSeconds = 30;
    expect(messages([drainConfig, deployment])).toEqual([
      'terminationGracePeriodSeconds 30 must exceed preStop + readiness delay + drain + closers = 35 s',
    ]);
  });

  it('when a container sets runAsUser 0 despite a non-root pod, then it is reported', () => {
    const deployment = load('infra/k8s/base/gateway/deployment.yaml');
    const pod = (
      deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec;
    const container = pod.containers[0] as { securityContext: Record<string, unknown> };
    container.securityContext.runAsUser = 0;
    expect(messages([drainConfig, deployment])).toEqual(['runs as uid 0']);
  });

  it('when liveness and readiness probe the same path, then it is reported', () => {
    const deployment = load('infra/k8s/base/identity/deployment.yaml');
    const container = (
      deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec.containers[0] as Record<string, { httpGet: { path: string } }>;
    (container.readinessProbe as { httpGet: { path: string } }).httpGet.path = '/health/live';
    expect(messages([drainConfig, deployment])).toEqual([
      'liveness and readiness probe the same path: a dependency outage would restart pods',
    ]);
  });
});

describe('preStopSeconds', () => {
  it('when the hook is exec sleep or the native sleep action, then its seconds are read', () => {
    expect(preStopSeconds({ lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } } })).toBe(
      5,
    );
    expect(preStopSeconds({ lifecycle: { preStop: { sleep: { seconds: 7 } } } })).toBe(7);
    expect(preStopSeconds({})).toBeUndefined();
  });
});
