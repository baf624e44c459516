import { basename } from 'node:path';
import { cancel, intro, isCancel, multiselect, text } from '@clack/prompts';
import { CreateAppError } from './create-app-error.ts';
import { packageNameProblem } from './package-name.ts';
import type { CliArgs } from './parse-args.ts';
import { OPTIONAL_SERVICES } from './services.ts';

const SERVICE_HINTS: Record<(typeof OPTIONAL_SERVICES)[number], string> = {
  identity: 'users, organizations, tokens, JWKS',
  orders: 'example domain: products and orders',
  worker: 'outbox relay, notifications, scheduled jobs; needs identity and orders',
};

/**
 * Asks, in a terminal, for what the flags left out: directory, name, scope and services. A value
 * given as a flag is never asked again, so `--services orders` with prompts asks only the rest.
 * Only npm is offered as package manager (the template's lockfile is npm's), so it is not asked.
 */
export async function promptForMissing(args: CliArgs): Promise<CliArgs> {
  intro('create-groundwork');
  const dir =
    args.dir ??
    answer(
      await text({
        message: 'Where should the project go?',
        placeholder: 'my-api',
        defaultValue: 'my-api',
      }),
    );
  const name =
    args.name ??
    answer(
      await text({
        message: 'Project name (the root package)',
        defaultValue: basename(dir),
        placeholder: basename(dir),
        validate: (value) => packageNameProblem(value || basename(dir)),
      }),
    );
  const scope =
    args.scope ??
    answer(
      await text({
        message: 'npm scope of the workspace packages',
        defaultValue: name,
        placeholder: name,
        validate: (value) => packageNameProblem(`@${(value || name).replace(/^@/, '')}/gateway`),
      }),
    );
  const services =
    args.services ??
    answer(
      await multiselect({
        message: 'Example services to keep (the gateway is always kept)',
        options: OPTIONAL_SERVICES.map((service) => ({
          value: service,
          label: service,
          hint: SERVICE_HINTS[service],
        })),
        initialValues: [...OPTIONAL_SERVICES],
        required: false,
      }),
    );
  return { ...args, dir, name, scope, services: [...services] };
}

/** The prompt's answer; a cancel (Ctrl-C, Esc) ends the command with nothing written. */
function answer<T>(value: T): Exclude<T, symbol> {
  if (isCancel(value)) {
    cancel('Nothing was created.');
    throw new CreateAppError('CREATE_CANCELLED', 'cancelled; nothing was created');
  }
  return value as Exclude<T, symbol>;
}
