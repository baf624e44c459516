import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureKubectl, renderKustomization } from './kustomize.ts';
import { checkAvailability, checkPolicy } from './policy.ts';

// The canary example releases orders (`orders-canary`): a project created without orders has
// neither the overlay nor this test (create-app removes both).
const repo = path.resolve(import.meta.dirname, '../../..');
let kubectl: string;

beforeAll(async () => {
  kubectl = await ensureKubectl(path.join(repo, 'node_modules/.cache/groundwork-infra-check'));
}, 120_000);

describe('the canary overlay', () => {
  it('when the canary overlay is rendered, then the canary has its own selector and the stable Service reaches both', async () => {
    const objects = await renderKustomization(
      kubectl,
      path.join(repo, 'infra/k8s/overlays/canary'),
    );
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
});
