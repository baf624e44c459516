import { relative } from 'node:path';
import { CreateAppError } from './create-app-error.ts';
import { generateProject } from './generate-project.ts';
import { initGitRepository } from './git-init.ts';
import type { NameLookup } from './npm-name-lookup.ts';
import { type CliArgs, parseCliArgs, USAGE } from './parse-args.ts';
import { removesApiContract } from './remove-services.ts';
import { validateOptions } from './validate-options.ts';

export interface CreateIo {
  cwd: string;
  templateDir: string;
  stdout: (line: string) => void;
  stderr: (line: string) => void;
  /**
   * Asks for what the flags left out; undefined when stdin is not a terminal (CI, pipes), and
   * then the flags and defaults decide.
   */
  prompt: ((args: CliArgs) => Promise<CliArgs>) | undefined;
  /**
   * Asks the npm registry whether the project name is taken; a taken name is a warning only
   * (below). Omitted in tests and wherever the network must not be asked.
   */
  lookupName?: NameLookup;
}

/**
 * The whole `create-groundwork` command, in process: parse, ask, validate, generate, git, next
 * steps. Returns the exit code; a refusal is one line on stderr and exit code 1.
 */
export async function runCreate(argv: readonly string[], io: CreateIo): Promise<number> {
  try {
    let args = parseCliArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (io.prompt !== undefined && !args.yes) args = await io.prompt(args);
    const options = validateOptions(args, io.cwd);
    // Taken is a warning, never a refusal (decision): the root package is private and never
    // published, so a clash matters only to a team that later publishes it under that name, and
    // creating a project must work offline.
    if ((await io.lookupName?.(options.name)) === 'taken') {
      io.stderr(
        `create-groundwork: warning: "${options.name}" is already a package on npm; fine for this private project, but choose another name before publishing it`,
      );
    }
    const project = await generateProject(options, io.templateDir);
    const gitProblem = options.git ? initGitRepository(project.targetDir) : undefined;
    if (gitProblem !== undefined) io.stderr(`create-groundwork: git skipped: ${gitProblem}`);
    const kept = ['gateway', ...options.services].join(', ');
    io.stdout(`Created ${options.name} (@${options.scope}/*) with ${kept}.`);
    if (project.removedServices.length > 0) {
      io.stdout(
        `Removed ${project.removedServices.join(', ')}: prose in the docs may still name them (create-groundwork README: "Removing services").`,
      );
    }
    io.stdout('Next steps:');
    io.stdout(`  cd ${relative(io.cwd, project.targetDir) || '.'}`);
    io.stdout('  npm install');
    if (removesApiContract(project.removedServices)) {
      // The contract of the services kept: generated from their code, then committed.
      io.stdout(
        '  npm run api:check -- --write   # writes docs/api/openapi.json for the services kept',
      );
    }
    io.stdout('  npm run dev');
    return 0;
  } catch (error) {
    if (!(error instanceof CreateAppError)) throw error;
    io.stderr(`create-groundwork: ${error.message}`);
    return 1;
  }
}
