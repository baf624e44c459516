import type { Finding } from './finding.ts';

/**
 * Our rules for workloads, on top of the Kubernetes schemas (which accept a pod with no probes,
 * no limits and root). Pure: takes rendered objects, returns findings, so tests can feed it a bad
 * Deployment and watch it fail.
 */

type Json = Record<string, unknown>;

const asObject = (value: unknown): Json =>
  value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

export interface KubernetesObject extends Json {
  apiVersion?: string;
  kind?: string;
  metadata?: { name?: string; namespace?: string };
}

// Worst case the service-kit shutdown adds after the drain: the onClose hooks' own timeout.
const CLOSERS_SECONDS = 5;

/** The pod spec of a workload, wherever its kind keeps it; undefined for non-workloads. */
export function podSpecOf(object: KubernetesObject): Json | undefined {
  const spec = asObject(object.spec);
  switch (object.kind) {
    case 'Deployment':
    case 'StatefulSet':
    case 'DaemonSet':
    case 'Job':
      return asObject(asObject(spec.template).spec);
    case 'CronJob':
      return asObject(asObject(asObject(asObject(spec.jobTemplate).spec).template).spec);
    default:
      return undefined;
  }
}

/** Seconds a preStop hook waits: `exec: [sleep, N]` or the native `sleep: { seconds: N }`. */
export function preStopSeconds(container: Json): number | undefined {
  const preStop = asObject(asObject(container.lifecycle).preStop);
  const native = asObject(preStop.sleep).seconds;
  if (typeof native === 'number') return native;
  const command = asArray(asObject(preStop.exec).command).map(String);
  const index = command.findIndex((part) => part === 'sleep' || part.endsWith('/sleep'));
  if (index === -1) return command.length > 0 ? 0 : undefined;
  const seconds = Number(command[index + 1]);
  return Number.isFinite(seconds) ? seconds : 0;
}

/** Kubernetes CPU quantity in cores: `"1"`, `2`, `"1500m"`; undefined when absent or unreadable. */
function cores(quantity: unknown): number | undefined {
  if (typeof quantity === 'number') return quantity;
  if (typeof quantity !== 'string') return undefined;
  const milli = /^(\d+)m$/.exec(quantity);
  const value = milli ? Number(milli[1]) / 1000 : Number(quantity);
  return Number.isFinite(value) ? value : undefined;
}

/** Each ConfigMap's data by name, to resolve a container's `envFrom`. */
function configMapData(objects: readonly KubernetesObject[]): Map<string, Json> {
  const configMaps = new Map<string, Json>();
  for (const object of objects) {
    if (object.kind === 'ConfigMap' && typeof object.metadata?.name === 'string') {
      configMaps.set(object.metadata.name, asObject(object.data));
    }
  }
  return configMaps;
}

function envValue(
  container: Json,
  name: string,
  configMaps: Map<string, Json>,
): string | undefined {
  for (const entry of asArray(container.env).map(asObject)) {
    if (entry.name === name && typeof entry.value === 'string') return entry.value;
  }
  for (const source of asArray(container.envFrom).map(asObject)) {
    const ref = asObject(source.configMapRef).name;
    const value = typeof ref === 'string' ? configMaps.get(ref)?.[name] : undefined;
    if (typeof value === 'string') return value;
  }
  return undefined;
}

function checkContainer(where: string, pod: Json, container: Json, out: Finding[]): void {
  const name = `${where} container ${String(container.name)}`;
  const resources = asObject(container.resources);
  const requests = asObject(resources.requests);
  const limits = asObject(resources.limits);
  if (requests.cpu === undefined || requests.memory === undefined) {
    out.push({ where: name, message: 'resources.requests needs cpu and memory' });
  }
  if (limits.memory === undefined) {
    out.push({ where: name, message: 'resources.limits needs memory' });
  }

  const podSecurity = asObject(pod.securityContext);
  const security = asObject(container.securityContext);
  if (security.runAsNonRoot !== true && podSecurity.runAsNonRoot !== true) {
    out.push({ where: name, message: 'must set runAsNonRoot: true (pod or container)' });
  }
  if (security.runAsUser === 0 || podSecurity.runAsUser === 0) {
    out.push({ where: name, message: 'runs as uid 0' });
  }
  if (security.allowPrivilegeEscalation !== false) {
    out.push({ where: name, message: 'must set allowPrivilegeEscalation: false' });
  }
  if (security.readOnlyRootFilesystem !== true) {
    out.push({ where: name, message: 'must set readOnlyRootFilesystem: true' });
  }
  if (!asArray(asObject(security.capabilities).drop).includes('ALL')) {
    out.push({ where: name, message: 'must drop ALL capabilities' });
  }
  const seccomp =
    asObject(security.seccompProfile).type ?? asObject(podSecurity.seccompProfile).type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
    out.push({ where: name, message: 'needs seccompProfile RuntimeDefault (pod or container)' });
  }
}

/** Long-running API pods: probes, a preStop delay and a grace period longer than the drain. */
function checkDeployment(
  where: string,
  pod: Json,
  container: Json,
  configMaps: Map<string, Json>,
  out: Finding[],
): void {
  const name = `${where} container ${String(container.name)}`;
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    if (container[probe] === undefined) out.push({ where: name, message: `needs a ${probe}` });
  }
  const live = asObject(asObject(container.livenessProbe).httpGet).path;
  const ready = asObject(asObject(container.readinessProbe).httpGet).path;
  if (live !== undefined && live === ready) {
    out.push({
      where: name,
      message: 'liveness and readiness probe the same path: a dependency outage would restart pods',
    });
  }

  const cpuLimit = asObject(asObject(container.resources).limits).cpu;
  if ((cores(cpuLimit) ?? 0) > 1) {
    out.push({
      where: name,
      message: `cpu limit ${String(cpuLimit)} is more than one core: one Node process runs its JavaScript on one, so scale with replicas (docs/adr/0011-one-process-per-container.md)`,
    });
  }

  const preStop = preStopSeconds(container);
  if (preStop === undefined) {
    out.push({ where: name, message: 'needs a preStop hook (sleep) so endpoints drain first' });
    return;
  }
  const seconds = (variable: string) =>
    Number(envValue(container, variable, configMaps) ?? 0) / 1000 || 0;
  const budget =
    preStop +
    seconds('SHUTDOWN_READINESS_DELAY_MS') +
    Math.max(seconds('SHUTDOWN_DRAIN_TIMEOUT_MS') || 10, seconds('JOB_SHUTDOWN_TIMEOUT_MS')) +
    CLOSERS_SECONDS;
  const grace =
    typeof pod.terminationGracePeriodSeconds === 'number' ? pod.terminationGracePeriodSeconds : 30;
  if (grace <= budget) {
    out.push({
      where: name,
      message: `terminationGracePeriodSeconds ${grace} must exceed preStop + readiness delay + drain + closers = ${budget} s`,
    });
  }
}

/** The ingress-nginx controller's ConfigMap: where its TLS settings live (infra/k8s/platform). */
export const INGRESS_CONTROLLER_CONFIG = 'ingress-nginx-controller';
const NGINX = 'nginx.ingress.kubernetes.io/';

/**
 * HTTPS only at the edge: TLS for every host with a certificate cert-manager issues and renews,
 * HTTP redirected, and the `nginx` class, whose controller allows TLS 1.3 only. The protocol is a
 * controller setting, not an Ingress annotation: TLS is negotiated before nginx picks a server
 * block, so ingress-nginx reads `ssl-protocols` from its ConfigMap alone.
 */
function checkIngress(where: string, object: KubernetesObject, out: Finding[]): void {
  const spec = asObject(object.spec);
  const annotations = asObject(asObject(object.metadata).annotations);
  if (spec.ingressClassName !== 'nginx') {
    out.push({
      where,
      message: `ingressClassName must be nginx, the controller configured for TLS 1.3 only (got ${String(spec.ingressClassName)})`,
    });
  }
  const tls = asArray(spec.tls).map(asObject);
  if (tls.length === 0) out.push({ where, message: 'needs spec.tls: HTTPS only' });
  const covered = new Set(tls.flatMap((entry) => asArray(entry.hosts).map(String)));
  for (const rule of asArray(spec.rules).map(asObject)) {
    const host = typeof rule.host === 'string' ? rule.host : '*';
    if (tls.length > 0 && !covered.has(host)) {
      out.push({ where, message: `host ${host} is served without TLS (not in spec.tls)` });
    }
  }
  if (tls.some((entry) => typeof entry.secretName !== 'string')) {
    out.push({ where, message: 'every spec.tls entry needs a secretName for its certificate' });
  }
  const issuer =
    annotations['cert-manager.io/cluster-issuer'] ?? annotations['cert-manager.io/issuer'];
  if (typeof issuer !== 'string' || issuer === '') {
    out.push({
      where,
      message:
        'needs a cert-manager.io/cluster-issuer annotation: certificates must be issued and renewed by cert-manager',
    });
  }
  if (
    annotations[`${NGINX}force-ssl-redirect`] !== 'true' ||
    annotations[`${NGINX}ssl-redirect`] === 'false'
  ) {
    out.push({
      where,
      message: `must redirect HTTP to HTTPS: ${NGINX}force-ssl-redirect: "true"`,
    });
  }
}

/** The controller's own settings: TLS 1.3 only, HSTS on every HTTPS answer, HTTP redirected. */
function checkIngressControllerConfig(where: string, data: Json, out: Finding[]): void {
  if (data['ssl-protocols'] !== 'TLSv1.3') {
    out.push({
      where,
      message: `ssl-protocols must be TLSv1.3 (got ${String(data['ssl-protocols'] ?? 'the default, TLSv1.2 TLSv1.3')})`,
    });
  }
  if (data.hsts !== 'true') out.push({ where, message: 'hsts must be "true"' });
  if (data['ssl-redirect'] === 'false') {
    out.push({ where, message: 'ssl-redirect must not be "false"' });
  }
}

/**
 * Checks every workload, Ingress and ingress controller ConfigMap in one rendered overlay.
 *
 * @example
 * ```ts
 * const findings = checkPolicy(objects); // [] when every workload and Ingress follows the rules
 * ```
 */
export function checkPolicy(objects: readonly KubernetesObject[]): Finding[] {
  const configMaps = configMapData(objects);

  const out: Finding[] = [];
  for (const object of objects) {
    if (object.kind === 'Ingress') {
      checkIngress(`Ingress/${object.metadata?.name ?? '?'}`, object, out);
      continue;
    }
    if (object.kind === 'ConfigMap' && object.metadata?.name === INGRESS_CONTROLLER_CONFIG) {
      checkIngressControllerConfig(
        `ConfigMap/${INGRESS_CONTROLLER_CONFIG}`,
        asObject(object.data),
        out,
      );
      continue;
    }
    const pod = podSpecOf(object);
    if (pod === undefined) continue;
    const where = `${object.kind}/${object.metadata?.name ?? '?'}`;
    if (pod.automountServiceAccountToken !== false) {
      out.push({ where, message: 'must set automountServiceAccountToken: false' });
    }
    if (object.kind === 'Deployment' && asArray(pod.topologySpreadConstraints).length === 0) {
      out.push({ where, message: 'needs topologySpreadConstraints' });
    }
    const containers = [...asArray(pod.initContainers), ...asArray(pod.containers)].map(asObject);
    if (containers.length === 0) out.push({ where, message: 'has no containers' });
    for (const container of containers) {
      checkContainer(where, pod, container, out);
    }
    if (object.kind === 'Deployment') {
      for (const container of asArray(pod.containers).map(asObject)) {
        checkDeployment(where, pod, container, configMaps, out);
      }
    }
  }
  return out;
}

const matches = (selector: Json, labels: Json): boolean => {
  const required = asObject(selector.matchLabels);
  return (
    Object.keys(required).length > 0 &&
    Object.entries(required).every(([key, value]) => labels[key] === value)
  );
};

/**
 * Availability rules across objects: every Deployment is covered by a PodDisruptionBudget, and
 * scaled by a HorizontalPodAutoscaler unless it is a canary (`track: canary`, one fixed replica).
 *
 * @example
 * ```ts
 * const findings = checkAvailability(objects); // [] when every Deployment has both
 * ```
 */
export function checkAvailability(objects: readonly KubernetesObject[]): Finding[] {
  const budgets = objects.filter((object) => object.kind === 'PodDisruptionBudget');
  const autoscalers = objects.filter((object) => object.kind === 'HorizontalPodAutoscaler');
  const out: Finding[] = [];
  for (const object of objects) {
    if (object.kind !== 'Deployment') continue;
    const name = object.metadata?.name;
    const where = `Deployment/${name ?? '?'}`;
    const labels = asObject(asObject(asObject(asObject(object.spec).template).metadata).labels);
    if (!budgets.some((budget) => matches(asObject(asObject(budget.spec).selector), labels))) {
      out.push({ where, message: 'no PodDisruptionBudget selects its pods' });
    }
    const target = (hpa: KubernetesObject) => asObject(asObject(hpa.spec).scaleTargetRef);
    const scaled = autoscalers.some(
      (hpa) => target(hpa).kind === 'Deployment' && target(hpa).name === name,
    );
    if (!scaled && labels.track !== 'canary') {
      out.push({ where, message: 'no HorizontalPodAutoscaler targets it' });
    }
  }
  return out;
}

/**
 * For the environments whose PostgreSQL and Redis are managed services outside the cluster
 * (staging, prod and the canary on top of prod): every app container runs with
 * `REQUIRE_TLS=true`, so a database or Redis URL without verified TLS stops it at start-up
 * (`@groundwork/config`) instead of sending credentials and data in the clear.
 */
export function checkRequireTls(objects: readonly KubernetesObject[]): Finding[] {
  const configMaps = configMapData(objects);
  const out: Finding[] = [];
  for (const object of objects) {
    if (object.kind !== 'Deployment') continue;
    const pod = asObject(asObject(object.spec).template);
    for (const container of asArray(asObject(pod.spec).containers).map(asObject)) {
      if (envValue(container, 'REQUIRE_TLS', configMaps) !== 'true') {
        out.push({
          where: `Deployment/${object.metadata?.name ?? '?'} container ${String(container.name)}`,
          message:
            'needs REQUIRE_TLS=true (managed PostgreSQL and Redis only over verified TLS: sslmode=verify-full, rediss://)',
        });
      }
    }
  }
  return out;
}

/** The ClusterIssuers that the Ingresses of a rendered overlay name. */
export function clusterIssuersNamed(objects: readonly KubernetesObject[]): string[] {
  return objects
    .filter((object) => object.kind === 'Ingress')
    .map(
      (object) => asObject(asObject(object.metadata).annotations)['cert-manager.io/cluster-issuer'],
    )
    .filter((name): name is string => typeof name === 'string');
}

/**
 * What the cluster-wide kustomization (infra/k8s/platform) owes the overlays: the ingress-nginx
 * controller ConfigMap (TLS 1.3 only, checked by checkPolicy) and every ClusterIssuer an Ingress
 * names, each an ACME issuer with a private key Secret and a solver, or a self-signed one.
 *
 * @example
 * ```ts
 * const findings = checkPlatform(platformObjects, ['letsencrypt']); // [] when both are there
 * ```
 */
export function checkPlatform(
  objects: readonly KubernetesObject[],
  issuersNamed: readonly string[],
): Finding[] {
  const out: Finding[] = [];
  const controllerConfig = objects.some(
    (object) => object.kind === 'ConfigMap' && object.metadata?.name === INGRESS_CONTROLLER_CONFIG,
  );
  if (!controllerConfig) {
    out.push({
      where: `ConfigMap/${INGRESS_CONTROLLER_CONFIG}`,
      message: 'missing: nothing sets the ingress controller to TLS 1.3 only',
    });
  }
  const issuers = new Map(
    objects
      .filter((object) => object.kind === 'ClusterIssuer')
      .map((object) => [object.metadata?.name ?? '', asObject(object.spec)] as const),
  );
  for (const name of new Set(issuersNamed)) {
    const spec = issuers.get(name);
    const where = `ClusterIssuer/${name}`;
    if (spec === undefined) {
      out.push({ where, message: 'an Ingress names it, but the platform does not define it' });
      continue;
    }
    const acme = asObject(spec.acme);
    if (spec.selfSigned !== undefined) continue;
    if (typeof acme.server !== 'string' || !acme.server.startsWith('https://')) {
      out.push({ where, message: 'needs spec.acme.server (https) or spec.selfSigned' });
    }
    if (typeof asObject(acme.privateKeySecretRef).name !== 'string') {
      out.push({ where, message: 'needs spec.acme.privateKeySecretRef.name' });
    }
    if (asArray(acme.solvers).length === 0) {
      out.push({ where, message: 'needs at least one spec.acme.solvers entry' });
    }
  }
  return out;
}

/**
 * Pods talk only where a NetworkPolicy allows it: wherever workloads are rendered, a default-deny
 * policy (every pod, both directions, no rule) must be rendered with them; each app's own policy
 * then opens exactly what it needs.
 *
 * @example
 * ```ts
 * const findings = checkNetworkIsolation(objects); // [] when default-deny-all is there
 * ```
 */
export function checkNetworkIsolation(objects: readonly KubernetesObject[]): Finding[] {
  if (!objects.some((object) => podSpecOf(object) !== undefined)) return [];
  const deniesAll = objects.some((object) => {
    if (object.kind !== 'NetworkPolicy') return false;
    const spec = asObject(object.spec);
    const types = asArray(spec.policyTypes);
    return (
      Object.keys(asObject(spec.podSelector)).length === 0 &&
      types.includes('Ingress') &&
      types.includes('Egress') &&
      asArray(spec.ingress).length === 0 &&
      asArray(spec.egress).length === 0
    );
  });
  return deniesAll
    ? []
    : [
        {
          where: 'NetworkPolicy',
          message:
            'no default-deny policy (every pod, Ingress and Egress, no rules): any pod could reach any other',
        },
      ];
}
