import type { Finding } from './finding.ts';

/**
 * Our rules for built images, checked on `docker image inspect` output by the container stage
 * (infra/docker/containers.sh): a size budget, a non-root user, a HEALTHCHECK for the services, and
 * the OCI labels the release workflow and registries read. Pure, so tests can feed it a bad image.
 */

/** The part of `docker image inspect` the rules read. */
export interface ImageInspect {
  RepoTags?: string[];
  Size?: number;
  Config?: {
    User?: string;
    Labels?: Record<string, string> | null;
    Healthcheck?: { Test?: string[] } | null;
  } | null;
}

export interface ImageRules {
  /** Largest allowed size in bytes (decimal MB, as `docker images` prints them). */
  maxBytes: number;
  /** A long-running service must tell the engine how to probe it; a one-shot job need not. */
  healthcheck: boolean;
}

/** Labels every image carries (org.opencontainers.image.*). */
export const requiredLabels = ['title', 'source', 'version', 'revision', 'created', 'licenses'].map(
  (key) => `org.opencontainers.image.${key}`,
);

const MB = 1_000_000;

/** True when the user spec (`name`, `uid`, `uid:gid`) means root, or is missing (root). */
export function runsAsRoot(user: string | undefined): boolean {
  const name = (user ?? '').split(':')[0]?.trim() ?? '';
  return name === '' || name === 'root' || name === '0';
}

export function checkImage(name: string, image: ImageInspect, rules: ImageRules): Finding[] {
  const findings: Finding[] = [];
  const report = (message: string) => findings.push({ where: name, message });
  const config = image.Config ?? {};

  const size = image.Size ?? 0;
  if (size > rules.maxBytes) {
    report(`is ${Math.round(size / MB)} MB, over the ${Math.round(rules.maxBytes / MB)} MB budget`);
  }
  if (runsAsRoot(config.User)) {
    report(`runs as root (USER is ${config.User ? `"${config.User}"` : 'not set'})`);
  }
  const test = config.Healthcheck?.Test ?? [];
  if (rules.healthcheck && (test.length === 0 || test[0] === 'NONE')) {
    report('has no HEALTHCHECK');
  }
  const labels = config.Labels ?? {};
  const missing = requiredLabels.filter((label) => !labels[label]);
  if (missing.length > 0) report(`lacks the OCI labels ${missing.join(', ')}`);
  return findings;
}
