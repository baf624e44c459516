import { basename, resolve } from 'node:path';
import { CreateAppError } from './create-app-error.ts';
import { packageNameProblem } from './package-name.ts';
import type { CliArgs } from './parse-args.ts';
import { isOptionalService, OPTIONAL_SERVICES, type OptionalService } from './services.ts';

/** Everything generation needs, checked: the only input `generateProject` accepts. */
export interface CreateOptions {
  /** Absolute path of the project directory. */
  targetDir: string;
  /** Unscoped root package name: `my-api`. */
  name: string;
  /** Scope of the workspace packages, without `@`: `acme`. */
  scope: string;
  /** The optional services kept, in their canonical order. */
  services: OptionalService[];
  git: boolean;
  force: boolean;
}

/**
 * Turns parsed (and possibly prompted) arguments into options, or throws a one-line
 * CreateAppError. Defaults: the name is the directory's name, the scope is the name, every
 * service is kept. `--name @acme/my-api` sets both name and scope.
 */
export function validateOptions(args: CliArgs, cwd: string): CreateOptions {
  if (args.dir === undefined || args.dir.trim() === '') {
    throw new CreateAppError(
      'CREATE_MISSING_INPUT',
      'missing the project directory: npm create groundwork@latest my-api',
    );
  }
  const targetDir = resolve(cwd, args.dir);
  const { name, scope: scopeOfName } = splitScopedName(args.name ?? basename(targetDir));
  const nameProblem = packageNameProblem(name);
  if (nameProblem !== undefined) {
    // A name taken from the directory surprises: say where it came from and how to choose another.
    const hint = args.name === undefined ? ' (taken from the directory; pass --name)' : '';
    throw new CreateAppError('CREATE_INVALID_NAME', `project name "${name}" ${nameProblem}${hint}`);
  }
  const scope = (args.scope ?? scopeOfName ?? name).replace(/^@/, '');
  const scopeProblem = packageNameProblem(`@${scope}/gateway`);
  if (scope === '' || scope.includes('/') || scopeProblem !== undefined) {
    throw new CreateAppError(
      'CREATE_INVALID_SCOPE',
      `npm scope "@${scope}" ${scopeProblem ?? 'must be a single segment like @acme'}`,
    );
  }
  return {
    targetDir,
    name,
    scope,
    services: chosenServices(args.services),
    git: args.git,
    force: args.force,
  };
}

function splitScopedName(value: string): { name: string; scope: string | undefined } {
  const scoped = /^@([^/]+)\/(.+)$/.exec(value);
  return scoped ? { name: scoped[2] ?? '', scope: scoped[1] } : { name: value, scope: undefined };
}

function chosenServices(requested: string[] | undefined): OptionalService[] {
  if (requested === undefined) return [...OPTIONAL_SERVICES];
  // Naming the gateway is harmless: it is always kept.
  const unknown = requested.filter((name) => name !== 'gateway' && !isOptionalService(name));
  if (unknown.length > 0) {
    throw new CreateAppError(
      'CREATE_UNKNOWN_SERVICE',
      `unknown service${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}; choose from ${OPTIONAL_SERVICES.join(', ')}`,
    );
  }
  const chosen = OPTIONAL_SERVICES.filter((service) => requested.includes(service));
  const missing = WORKER_NEEDS.filter((service) => !chosen.includes(service));
  if (chosen.includes('worker') && missing.length > 0) {
    throw new CreateAppError(
      'CREATE_INVALID_SELECTION',
      `the worker needs ${missing.join(' and ')}: it relays identity's and orders' outboxes, consumes orders' events and runs their scheduled jobs; keep ${missing.join(' and ')}, or drop the worker`,
    );
  }
  return chosen;
}

/** The services whose events and scheduled jobs the worker serves (apps/worker imports both). */
const WORKER_NEEDS: readonly OptionalService[] = ['identity', 'orders'];
