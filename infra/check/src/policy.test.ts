import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  checkNetworkIsolation,
  checkPlatform,
  checkPolicy,
  type KubernetesObject,
  preStopSeconds,
} from './policy.ts';

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
    const deployment = load('infra/k8s/base/gateway/deployment.yaml');
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

  it('when an app container may use more than one core, then it is reported: one process per container, scaled by replicas', () => {
    for (const [cpu, reported] of [
      ['2', true],
      ['1500m', true],
      ['1', false],
      ['500m', false],
    ] as const) {
      const deployment = load('infra/k8s/base/gateway/deployment.yaml');
      const container = (
        deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
      ).template.spec.containers[0] as { resources: { limits: Record<string, unknown> } };
      container.resources.limits.cpu = cpu;
      expect(messages([drainConfig, deployment]), cpu).toEqual(
        reported
          ? [
              `cpu limit ${cpu} is more than one core: one Node process runs its JavaScript on one, so scale with replicas (docs/adr/0011-one-process-per-container.md)`,
            ]
          : [],
      );
    }
  });

  it('when liveness and readiness probe the same path, then it is reported', () => {
    const deployment = load('infra/k8s/base/gateway/deployment.yaml');
    const container = (
      deployment.spec as { template: { spec: { containers: Record<string, unknown>[] } } }
    ).template.spec.containers[0] as Record<string, { httpGet: { path: string } }>;
    (container.readinessProbe as { httpGet: { path: string } }).httpGet.path = '/health/live';
    expect(messages([drainConfig, deployment])).toEqual([
      'liveness and readiness probe the same path: a dependency outage would restart pods',
    ]);
  });
});

describe('checkPolicy on the edge', () => {
  const ingress = () => load('infra/k8s/base/ingress.yaml');
  const annotationsOf = (object: KubernetesObject) =>
    (object.metadata as { annotations: Record<string, string> }).annotations;
  const controllerConfig = () =>
    load('infra/k8s/platform/ingress-nginx-controller-config.yaml') as KubernetesObject & {
      data: Record<string, string>;
    };

  it('when the base Ingress and the ingress controller config are checked, then they pass', () => {
    expect(checkPolicy([ingress(), controllerConfig()])).toEqual([]);
  });

  it('when an Ingress has no TLS, then it is reported', () => {
    const object = ingress();
    delete (object.spec as Record<string, unknown>).tls;
    expect(messages([object])).toEqual(['needs spec.tls: HTTPS only']);
  });

  it('when an Ingress serves a host its TLS does not cover, then it is reported', () => {
    const object = ingress();
    const spec = object.spec as { rules: Array<Record<string, unknown>> };
    spec.rules.push({ ...spec.rules[0], host: 'admin.example.com' });
    expect(messages([object])).toEqual([
      'host admin.example.com is served without TLS (not in spec.tls)',
    ]);
  });

  it('when an Ingress has no cert-manager issuer, then it is reported', () => {
    const object = ingress();
    delete annotationsOf(object)['cert-manager.io/cluster-issuer'];
    expect(messages([object])).toEqual([
      'needs a cert-manager.io/cluster-issuer annotation: certificates must be issued and renewed by cert-manager',
    ]);
  });

  it('when an Ingress does not redirect HTTP to HTTPS, then it is reported', () => {
    const object = ingress();
    delete annotationsOf(object)['nginx.ingress.kubernetes.io/force-ssl-redirect'];
    annotationsOf(object)['nginx.ingress.kubernetes.io/ssl-redirect'] = 'false';
    expect(messages([object])).toEqual([
      'must redirect HTTP to HTTPS: nginx.ingress.kubernetes.io/force-ssl-redirect: "true"',
    ]);
  });

  it('when an Ingress uses another class than the TLS 1.3 controller, then it is reported', () => {
    const object = ingress();
    (object.spec as Record<string, unknown>).ingressClassName = 'traefik';
    expect(messages([object])).toEqual([
      'ingressClassName must be nginx, the controller configured for TLS 1.3 only (got traefik)',
    ]);
  });

  it('when the ingress controller allows TLS 1.2 or turns HSTS off, then it is reported', () => {
    const config = controllerConfig();
    config.data['ssl-protocols'] = 'TLSv1.2 TLSv1.3';
    config.data.hsts = 'false';
    expect(messages([config])).toEqual([
      'ssl-protocols must be TLSv1.3 (got TLSv1.2 TLSv1.3)',
      'hsts must be "true"',
    ]);
  });
});

describe('checkPlatform', () => {
  it('when the ingress controller config is missing and an ACME issuer has no solver, then both are reported', () => {
    const issuer: KubernetesObject = {
      apiVersion: 'cert-manager.io/v1',
      kind: 'ClusterIssuer',
      metadata: { name: 'letsencrypt' },
      spec: {
        acme: {
          server: 'https://acme-v02.api.letsencrypt.org/directory',
          privateKeySecretRef: { name: 'k' },
        },
      },
    };
    expect(checkPlatform([issuer], ['letsencrypt'])).toEqual([
      {
        where: 'ConfigMap/ingress-nginx-controller',
        message: 'missing: nothing sets the ingress controller to TLS 1.3 only',
      },
      {
        where: 'ClusterIssuer/letsencrypt',
        message: 'needs at least one spec.acme.solvers entry',
      },
    ]);
  });
});

describe('checkNetworkIsolation', () => {
  const policies = () =>
    readFileSync(path.join(repo, 'infra/k8s/base/network-policies.yaml'), 'utf8')
      .split(/^---$/m)
      .map((doc) => parse(doc) as KubernetesObject);
  const deployment = () => load('infra/k8s/base/gateway/deployment.yaml');

  it('when workloads come with the default-deny NetworkPolicy, then nothing is reported', () => {
    expect(checkNetworkIsolation([...policies(), deployment()])).toEqual([]);
  });

  it('when the default-deny NetworkPolicy is missing or allows something, then it is reported', () => {
    const withoutDeny = policies().filter((p) => p.metadata?.name !== 'default-deny-all');
    const denyWithARule = policies().map((p) =>
      p.metadata?.name === 'default-deny-all'
        ? { ...p, spec: { ...(p.spec as object), ingress: [{}] } }
        : p,
    );
    for (const objects of [withoutDeny, denyWithARule]) {
      expect(checkNetworkIsolation([...objects, deployment()]).map((f) => f.message)).toEqual([
        'no default-deny policy (every pod, Ingress and Egress, no rules): any pod could reach any other',
      ]);
    }
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
