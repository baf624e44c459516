import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateKubernetesObjects } from './kubernetes-schema.ts';
import type { KubernetesObject } from './policy.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const load = (file: string) =>
  parse(readFileSync(path.join(repo, file), 'utf8')) as KubernetesObject;

describe('validateKubernetesObjects', () => {
  it('when the base Deployment, HPA and NetworkPolicy are validated, then they pass', async () => {
    const objects = ['deployment', 'horizontal-pod-autoscaler', 'network-policy'].map((file) =>
      load(`infra/k8s/base/gateway/${file}.yaml`),
    );
    expect(await validateKubernetesObjects('base', objects)).toEqual([]);
  });

  it('when a field has the wrong type, then the schema error names its path', async () => {
    const deployment = load('infra/k8s/base/gateway/deployment.yaml');
    (deployment.spec as Record<string, unknown>).replicas = 'two';
    const [finding] = await validateKubernetesObjects('bad', [deployment]);
    expect(finding?.message).toContain('/spec/replicas');
  });

  it('when the kind is unknown, then it is reported rather than skipped', async () => {
    const found = await validateKubernetesObjects('bad', [
      { apiVersion: 'apps/v1', kind: 'Deploymint', metadata: { name: 'x' } },
    ]);
    expect(found.map((f) => f.message)).toEqual(['unknown apiVersion/kind apps/v1/Deploymint']);
  });

  it('when a kustomize secret value is folded over lines, then it still validates', async () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's' },
      data: { url: 'cG9z\ndGdy\n' },
    };
    expect(await validateKubernetesObjects('dev', [secret])).toEqual([]);
  });
});
