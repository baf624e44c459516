import { parseArgs } from 'node:util';
import { CreateAppError } from './create-app-error.ts';

/** The command line as typed, before any validation or defaulting. */
export interface CliArgs {
  dir: string | undefined;
  name: string | undefined;
  scope: string | undefined;
  /** Undefined when `--services` was not given, so the prompt can ask. */
  services: string[] | undefined;
  git: boolean;
  yes: boolean;
  force: boolean;
  help: boolean;
}

/**
 * Parses `create-groundwork [dir] [--name n] [--scope s] [--services a,b] [--no-git] [--yes]
 * [--force]`. Unknown flags are refused rather than ignored: a typo in CI must not silently create
 * a project with every service.
 */
export function parseCliArgs(argv: readonly string[]): CliArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    throw new CreateAppError('CREATE_UNKNOWN_FLAG', firstLine(error), { cause: error });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CreateAppError(
      'CREATE_UNKNOWN_FLAG',
      `expected one target directory, got ${positionals.length}: ${positionals.join(' ')}`,
    );
  }
  return {
    dir: positionals[0],
    name: values.name,
    scope: values.scope,
    services: values.services === undefined ? undefined : splitList(values.services),
    git: !values['no-git'],
    yes: values.yes ?? false,
    force: values.force ?? false,
    help: values.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      name: { type: 'string' },
      scope: { type: 'string' },
      services: { type: 'string' },
      'no-git': { type: 'boolean' },
      yes: { type: 'boolean', short: 'y' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

/** `--services ""` means "gateway only", so an empty list is kept, not turned into undefined. */
function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

export const USAGE = `Usage: npm create groundwork@latest [dir] -- [options]

Options:
  --name <name>        project (root package) name; defaults to the directory name
  --scope <scope>      npm scope of the workspace packages (@scope/...); defaults to the name
  --services <list>    example services to keep, comma separated: identity,orders,worker
                       (the gateway is always kept); defaults to all of them
  --no-git             do not run git init and the first commit
  -y, --yes            accept the defaults, never prompt
  --force              write into a directory that is not empty
  -h, --help           show this help

Upgrade a project made by this CLI: npx create-groundwork@latest upgrade --help`;
