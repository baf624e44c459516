import { parseArgs } from 'node:util';
import { env, loadConfig } from '@groundwork/config';
import { isAppError } from '@groundwork/errors';
import Type from 'typebox';
import { createQueueConnection, DEFAULT_PREFIX, type QueueConnection } from './connection.ts';
import {
  type DeadLetter,
  dropDeadLetter,
  listDeadLetters,
  replayDeadLetter,
} from './dead-letters.ts';

const USAGE = `Usage: npm run jobs:dlq -- <command> [options]

Commands:
  list              dead letters, oldest first
  replay <id>       put the job back on its queue once, with fresh attempts
  drop <id>         delete the dead letter for good

Options:
  --queue <name>    only this queue (required when an id is dead in several)
  --limit <n>       list at most n per queue (default 100)
  --json            print JSON instead of text

Environment: REDIS_URL (default redis://127.0.0.1:6379), QUEUE_PREFIX (default bull).
`;

export interface DlqCliContext extends QueueConnection {
  readonly stdout: { write(text: string): unknown };
  readonly stderr: { write(text: string): unknown };
}

/**
 * Runs the dead-letter command line on `args` (without the node and script paths) and resolves
 * to the process exit code: 0 done, 1 refused (not found, conflict), 2 usage error.
 *
 * @example
 * process.exitCode = await runDlqCli(process.argv.slice(2), { connection, stdout, stderr });
 */
export async function runDlqCli(args: readonly string[], context: DlqCliContext): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (error) {
    context.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (parsed.command === 'help') {
    context.stdout.write(USAGE);
    return 0;
  }
  const { command, id, queue, limit, json } = parsed;
  const query = {
    connection: context.connection,
    prefix: context.prefix ?? DEFAULT_PREFIX,
    ...(queue === undefined ? {} : { queue }),
  };
  try {
    if (command === 'list') {
      const letters = await listDeadLetters({ ...query, limit });
      context.stdout.write(json ? `${JSON.stringify(letters, null, 2)}\n` : describeAll(letters));
      return 0;
    }
    const letter =
      command === 'replay' ? await replayDeadLetter(query, id) : await dropDeadLetter(query, id);
    const done = command === 'replay' ? 'replayed' : 'dropped';
    context.stdout.write(
      json ? `${JSON.stringify({ [done]: letter })}\n` : `${done} ${describe(letter)}\n`,
    );
    return 0;
  } catch (error) {
    if (!isAppError(error)) throw error;
    context.stderr.write(`${error.code}: ${error.message}\n`);
    return 1;
  }
}

export interface DlqCommandOptions {
  readonly redisUrl: string;
  /** The queue prefix of the workers whose dead letters these are. */
  readonly prefix: string;
  readonly stdout?: DlqCliContext['stdout'];
  readonly stderr?: DlqCliContext['stderr'];
}

/**
 * `jobs:dlq` as a process runs it: opens a fail-fast connection to `redisUrl`, runs
 * {@link runDlqCli}, reports an outage on stderr (exit code 1) and always disconnects. A service
 * exposes the tool with its own configuration through this one call.
 *
 * @example
 * process.exitCode = await runDlqCommand(process.argv.slice(2), {
 *   redisUrl: config.REDIS_URL,
 *   prefix: config.QUEUE_PREFIX,
 * });
 */
export async function runDlqCommand(
  args: readonly string[],
  options: DlqCommandOptions,
): Promise<number> {
  const { redisUrl, prefix, stdout = process.stdout, stderr = process.stderr } = options;
  const connection = createQueueConnection(redisUrl, { failFast: true });
  // Connection errors surface through the failing command below; the event would only add noise.
  connection.on('error', () => {});
  try {
    return await runDlqCli(args, { connection, prefix, stdout, stderr });
  } catch (error) {
    stderr.write(`jobs:dlq failed: ${(error as Error).message}\n`);
    return 1;
  } finally {
    connection.disconnect();
  }
}

type Parsed =
  | { command: 'help' }
  | { command: 'list'; id: ''; queue?: string; limit: number; json: boolean }
  | { command: 'replay' | 'drop'; id: string; queue?: string; limit: number; json: boolean };

function parse(args: readonly string[]): Parsed {
  const { values, positionals } = parseArgs({
    args: [...args],
    allowPositionals: true,
    options: {
      queue: { type: 'string' },
      limit: { type: 'string', default: '100' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return { command: 'help' };
  const [command, id, ...extra] = positionals;
  const limit = Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new Error('--limit must be a positive integer');
  const common = { limit, json: values.json, ...(values.queue ? { queue: values.queue } : {}) };
  if (command === 'list' && id === undefined) return { command, id: '', ...common };
  if ((command === 'replay' || command === 'drop') && id !== undefined && extra.length === 0) {
    return { command, id, ...common };
  }
  throw new Error(command === undefined ? 'No command given' : `Cannot run: ${args.join(' ')}`);
}

function describeAll(letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return 'No dead letters.\n';
  return `${letters.map(describe).join('\n')}\n`;
}

function describe(letter: DeadLetter): string {
  return [
    letter.deadAt,
    letter.queue,
    letter.id,
    letter.name,
    `attempts ${letter.attemptsMade}/${letter.attempts}`,
    letter.reason,
  ].join('  ');
}

if (import.meta.main) {
  const config = loadConfig(
    Type.Object({
      REDIS_URL: env.redisUrl(),
      QUEUE_PREFIX: Type.String({ minLength: 1, default: DEFAULT_PREFIX }),
    }),
  );
  process.exitCode = await runDlqCommand(process.argv.slice(2), {
    redisUrl: config.REDIS_URL,
    prefix: config.QUEUE_PREFIX,
  });
}
