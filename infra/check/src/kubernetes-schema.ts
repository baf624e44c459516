import type { Finding } from './finding.ts';
import type { KubernetesObject } from './policy.ts';

/**
 * Custom resources the overlays use on purpose. kubernetes-models only knows the built-in API, so
 * these get a structural check (name and spec) instead of a schema.
 */
export const CUSTOM_RESOURCES = new Set([
  'external-secrets.io/v1beta1/ExternalSecret',
  'cert-manager.io/v1/ClusterIssuer',
]);

interface Validatable {
  validate(): void;
}
type ModelClass = new (data: unknown) => Validatable;

async function loadModel(apiVersion: string, kind: string): Promise<ModelClass | undefined> {
  try {
    // Built-in groups live at kubernetes-models/<group>/<version>/<Kind>; core is v1/<Kind>.
    const module = (await import(
      /* @vite-ignore */ `kubernetes-models/${apiVersion}/${kind}`
    )) as Record<string, unknown>;
    return module[kind] as ModelClass | undefined;
  } catch {
    return undefined;
  }
}

/**
 * kustomize's secretGenerator folds base64 values at 70 columns (a YAML block scalar); the API
 * server's decoder skips the newlines, the schema's `byte` format does not.
 */
function normalize(object: KubernetesObject): KubernetesObject {
  if (object.kind !== 'Secret' || typeof object.data !== 'object' || object.data === null) {
    return object;
  }
  const data = Object.fromEntries(
    Object.entries(object.data).map(([key, value]) => [key, String(value).replace(/\s+/g, '')]),
  );
  return { ...object, data };
}

/** Validates each object against the Kubernetes OpenAPI schema of its apiVersion and kind. */
export async function validateKubernetesObjects(
  source: string,
  objects: readonly KubernetesObject[],
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const object of objects) {
    const { apiVersion = '', kind = '' } = object;
    const where = `${source}: ${kind || '?'}/${object.metadata?.name ?? '?'}`;
    if (!object.metadata?.name) findings.push({ where, message: 'has no metadata.name' });
    if (CUSTOM_RESOURCES.has(`${apiVersion}/${kind}`)) {
      if (typeof object.spec !== 'object') findings.push({ where, message: 'has no spec' });
      continue;
    }
    const Model = await loadModel(apiVersion, kind);
    if (!Model) {
      findings.push({ where, message: `unknown apiVersion/kind ${apiVersion}/${kind}` });
      continue;
    }
    try {
      new Model(normalize(object)).validate();
    } catch (error) {
      findings.push({ where, message: error instanceof Error ? error.message : String(error) });
    }
  }
  return findings;
}
