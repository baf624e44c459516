// `npm run infra:check`: every deployment artifact in the repo, checked offline. Exits 1 when any
// check finds a problem; prints what was checked either way.
import { execFileSync } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { lintWorkflows } from './actionlint.ts';
import { validateCompose } from './compose-schema.ts';
import { lintDockerfile } from './dockerfile-lint.ts';
import type { Finding } from './finding.ts';
import { validateKubernetesObjects } from './kubernetes-schema.ts';
import { ensureKubectl, renderKustomization } from './kustomize.ts';
import {
  checkAvailability,
  checkNetworkIsolation,
  checkPlatform,
  checkPolicy,
  checkRequireTls,
  clusterIssuersNamed,
} from './policy.ts';
import { scanForSecrets } from './secret-scan.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const cacheDir = path.join(repo, 'node_modules/.cache/groundwork-infra-check');

const list = async (dir: string) =>
  (await readdir(path.join(repo, dir), { withFileTypes: true }).catch(() => [])).map((entry) => ({
    name: entry.name,
    isDirectory: entry.isDirectory(),
    relative: path.join(dir, entry.name),
  }));

async function workflows(): Promise<[string, Finding[]]> {
  const files = (await list('.github/workflows')).filter((f) => /\.ya?ml$/.test(f.name));
  if (files.length === 0) return ['workflows', [{ where: '.github/workflows', message: 'empty' }]];
  const inputs = await Promise.all(
    files.map(async (f) => ({
      path: f.relative,
      data: await readFile(path.join(repo, f.relative), 'utf8'),
    })),
  );
  return [`workflows: actionlint (${files.length} files)`, await lintWorkflows(inputs)];
}

async function compose(): Promise<[string, Finding[]]> {
  const text = await readFile(path.join(repo, 'docker-compose.yml'), 'utf8');
  return [
    'docker-compose.yml: compose-spec schema + rules',
    validateCompose('docker-compose.yml', text),
  ];
}

async function dockerfiles(): Promise<[string, Finding[]]> {
  const files = (await list('infra/docker')).filter((f) => f.name.startsWith('Dockerfile'));
  const findings: Finding[] = [];
  for (const file of files) {
    findings.push(
      ...lintDockerfile(file.relative, await readFile(path.join(repo, file.relative), 'utf8')),
    );
  }
  if (files.length === 0) findings.push({ where: 'infra/docker', message: 'no Dockerfile' });
  return [`Dockerfiles: syntax + rules (${files.length} files)`, findings];
}

/** Every tracked file (what a push would publish), text only. */
async function secrets(): Promise<[string, Finding[]]> {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: repo, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean);
  const findings: Finding[] = [];
  for (const file of files) {
    const data = await readFile(path.join(repo, file)).catch(() => undefined);
    if (!data || data.subarray(0, 8000).includes(0)) continue;
    findings.push(...scanForSecrets(file, data.toString('utf8')));
  }
  return [`secrets: private keys and tokens in tracked files (${files.length} files)`, findings];
}

const PLATFORM = 'infra/k8s/platform';
/** Overlays on managed PostgreSQL and Redis: their apps must refuse plaintext URLs. */
const MANAGED_DATASTORES = ['prod', 'staging', 'canary'].map(
  (name) => `infra/k8s/overlays/${name}`,
);

async function overlays(): Promise<Array<[string, Finding[]]>> {
  const kubectl = await ensureKubectl(cacheDir);
  const dirs = [
    'infra/k8s/base',
    ...(await list('infra/k8s/overlays')).filter((d) => d.isDirectory).map((d) => d.relative),
  ];
  const rendered = await Promise.all(
    [PLATFORM, ...dirs].map(async (dir) => {
      try {
        return { dir, objects: await renderKustomization(kubectl, path.join(repo, dir)) };
      } catch (error) {
        return { dir, error: error as Error, objects: [] };
      }
    }),
  );
  // The ClusterIssuers that the environments' Ingresses name must exist in the platform.
  const issuers = rendered
    .filter(({ dir }) => dir !== PLATFORM && dir !== 'infra/k8s/base')
    .flatMap(({ objects }) => clusterIssuersNamed(objects));
  return Promise.all(
    rendered.map(async ({ dir, objects, error }): Promise<[string, Finding[]]> => {
      if (error) return [`${dir}: kustomize`, [{ where: dir, message: error.message }]];
      const policy = [
        ...checkPolicy(objects),
        ...checkAvailability(objects),
        ...checkNetworkIsolation(objects),
      ];
      if (dir === PLATFORM) policy.push(...checkPlatform(objects, issuers));
      if (MANAGED_DATASTORES.includes(dir)) policy.push(...checkRequireTls(objects));
      const findings = [
        ...(await validateKubernetesObjects(dir, objects)),
        ...policy.map((f) => ({ ...f, where: `${dir}: ${f.where}` })),
      ];
      return [`${dir}: kustomize + schemas + policy (${objects.length} objects)`, findings];
    }),
  );
}

const print = (line: string) => process.stdout.write(`${line}\n`);

const started = performance.now();
const results = [
  await workflows(),
  await compose(),
  await dockerfiles(),
  await secrets(),
  ...(await overlays()),
];
let failed = 0;
for (const [name, findings] of results) {
  print(`${findings.length === 0 ? 'ok  ' : 'FAIL'} ${name}`);
  for (const finding of findings) print(`       ${finding.where}: ${finding.message}`);
  if (findings.length > 0) failed += 1;
}
print(
  `infra:check: ${results.length - failed} of ${results.length} passed in ${Math.round(performance.now() - started)} ms`,
);
process.exitCode = failed > 0 ? 1 : 0;
