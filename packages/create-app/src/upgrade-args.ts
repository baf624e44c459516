import { parseArgs } from 'node:util';
import { CreateAppError } from './create-app-error.ts';

/** `create-groundwork upgrade [dir] [--dry-run] [--from-template <dir|tarball>]`, as typed. */
export interface UpgradeArgs {
  /** The project to upgrade; undefined means the current directory. */
  dir: string | undefined;
  dryRun: boolean;
  /** A packed template folder, a create-groundwork package folder, or its npm tarball. */
  fromTemplate: string | undefined;
  help: boolean;
}

export function parseUpgradeArgs(argv: readonly string[]): UpgradeArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new CreateAppError('CREATE_UNKNOWN_FLAG', message.split('\n')[0] ?? message, {
      cause: error,
    });
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) {
    throw new CreateAppError(
      'CREATE_UNKNOWN_FLAG',
      `expected at most one project directory, got ${positionals.join(' ')}`,
    );
  }
  return {
    dir: positionals[0],
    dryRun: values['dry-run'] ?? false,
    fromTemplate: values['from-template'],
    help: values.help ?? false,
  };
}

function parse(argv: readonly string[]) {
  return parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'dry-run': { type: 'boolean' },
      'from-template': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export const UPGRADE_USAGE = `Usage: npx create-groundwork@latest upgrade [dir] [options]

Brings a project made by create-groundwork up to the template packed in this CLI version:
files you did not change are replaced, files you changed are merged (conflict markers where
both sides changed the same lines), files you deleted stay deleted.

Options:
  --dry-run                      print the plan, write nothing
  --from-template <dir|tarball>  upgrade to another template: a packed template folder, a
                                 create-groundwork package folder, or its npm pack tarball
  -h, --help                     show this help

Exit code 1 when conflicts remain (or would, with --dry-run).`;
