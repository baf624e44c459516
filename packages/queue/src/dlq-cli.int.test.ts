import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { freePort } from '@groundwork/testing';
import { describeWithServices } from '@groundwork/testing/vitest';
import { Queue } from 'bullmq';
import { beforeEach, describe, expect, test } from 'vitest';
import { useQueueRedis } from '../test/support/queue-redis.ts';
import { type DeadLetter, deadLetterQueueName, writeDeadLetter } from './dead-letters.ts';
import { runDlqCli, runDlqCommand } from './dlq-cli.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

function letter(queue: string, id: string, reason: string): DeadLetter {
  return {
    id,
    queue,
    name: 'send-email',
    payload: { to: 'ada@example.com' },
    reason,
    attemptsMade: 5,
    attempts: 5,
    deadAt: new Date().toISOString(),
  };
}

describeWithServices('jobs:dlq', ['redis'], () => {
  const redis = useQueueRedis();

  async function cli(...args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runDlqCli(args, {
      ...redis,
      stdout: { write: (text: string) => (stdout += text) },
      stderr: { write: (text: string) => (stderr += text) },
    });
    return { code, stdout, stderr };
  }

  async function seed(...letters: DeadLetter[]): Promise<void> {
    for (const dead of letters) {
      const queue = new Queue(deadLetterQueueName(dead.queue), redis);
      await writeDeadLetter(queue, dead);
      await queue.close();
    }
  }

  beforeEach(async () => {
    // Each test starts without dead letters: drop every one left by the test before.
    const { stdout } = await cli('list', '--json');
    for (const { id, queue } of JSON.parse(stdout) as DeadLetter[]) {
      await cli('drop', id, '--queue', queue);
    }
  });

  test('when list runs, then each dead letter of every queue prints on one line with its reason', async () => {
    await seed(
      letter('mail', 'evt-1', 'Error: SMTP 550'),
      letter('sms', 'evt-2', 'Error: no credit'),
    );

    const { code, stdout } = await cli('list');

    expect(code).toBe(0);
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      / {2}mail {2}evt-1 {2}send-email {2}attempts 5\/5 {2}Error: SMTP 550$/,
    );
    expect(lines[1]).toMatch(
      / {2}sms {2}evt-2 {2}send-email {2}attempts 5\/5 {2}Error: no credit$/,
    );
  });

  test('when list runs with --queue and --json, then only that queue is printed, as JSON', async () => {
    await seed(letter('mail', 'evt-3', 'Error: a'), letter('sms', 'evt-4', 'Error: b'));

    const { code, stdout } = await cli('list', '--queue', 'sms', '--json');

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject([{ id: 'evt-4', queue: 'sms', reason: 'Error: b' }]);
  });

  test('when replay runs, then the job is back on its queue with fresh attempts and the letter is gone', async () => {
    await seed(letter('mail', 'evt-5', 'Error: SMTP 421'));

    const { code, stdout } = await cli('replay', 'evt-5');

    expect(code).toBe(0);
    expect(stdout).toMatch(/^replayed .* {2}mail {2}evt-5 /);
    const mail = new Queue('mail', redis);
    const job = await mail.getJob('evt-5');
    expect(await job?.getState()).toBe('waiting');
    expect(job?.attemptsMade).toBe(0);
    expect(job?.opts.attempts).toBe(5);
    expect(job?.data).toEqual({ payload: { to: 'ada@example.com' } });
    await mail.remove('evt-5');
    await mail.close();
    expect((await cli('list')).stdout).toBe('No dead letters.\n');
  });

  test('when replay finds the job queued again, then it refuses with QUEUE_REPLAY_CONFLICT and keeps the letter', async () => {
    await seed(letter('mail', 'evt-6', 'Error: x'));
    const mail = new Queue('mail', redis);
    await mail.add('send-email', { payload: { to: 'ada@example.com' } }, { jobId: 'evt-6' });

    const { code, stderr } = await cli('replay', 'evt-6');

    expect(code).toBe(1);
    expect(stderr).toMatch(/^QUEUE_REPLAY_CONFLICT: Job evt-6 is waiting in queue mail/);
    expect(JSON.parse((await cli('list', '--json')).stdout)).toHaveLength(1);
    await mail.remove('evt-6');
    await mail.close();
  });

  test('when the id is dead in two queues, then replay asks for --queue, and with it replays that one', async () => {
    await seed(letter('mail', 'evt-7', 'Error: a'), letter('sms', 'evt-7', 'Error: b'));

    const ambiguous = await cli('replay', 'evt-7');
    const named = await cli('replay', 'evt-7', '--queue', 'sms');

    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stderr).toContain(
      'QUEUE_DEAD_LETTER_AMBIGUOUS: Dead letter evt-7 is in queues mail, sms',
    );
    expect(named.code).toBe(0);
    expect(JSON.parse((await cli('list', '--json')).stdout)).toMatchObject([{ queue: 'mail' }]);
    const sms = new Queue('sms', redis);
    await sms.remove('evt-7');
    await sms.close();
  });

  test('when drop runs, then the letter is gone; dropping it again exits 1 with QUEUE_DEAD_LETTER_NOT_FOUND', async () => {
    await seed(letter('mail', 'evt-8', 'Error: x'));

    const dropped = await cli('drop', 'evt-8');
    const again = await cli('drop', 'evt-8');

    expect(dropped.code).toBe(0);
    expect(dropped.stdout).toMatch(/^dropped .* evt-8 /);
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('QUEUE_DEAD_LETTER_NOT_FOUND: No dead letter evt-8 in any queue.\n');
  });

  test.each([
    [[]],
    [['replay']],
    [['list', 'extra']],
    [['purge', 'x']],
    [['list', '--limit', '0']],
  ])('when the arguments are %j, then it exits 2 with the usage', async (args) => {
    const { code, stderr } = await cli(...args);
    expect(code).toBe(2);
    expect(stderr).toContain('Usage: npm run jobs:dlq -- <command>');
  });

  test('when runDlqCommand runs, then it lists the dead letters under the given Redis URL and prefix', async () => {
    await seed(letter('mail', 'evt-10', 'Error: via runDlqCommand'));
    let stdout = '';

    const code = await runDlqCommand(['list', '--json'], {
      redisUrl: redis.url,
      prefix: redis.prefix,
      stdout: { write: (text: string) => (stdout += text) },
    });

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject([
      { id: 'evt-10', reason: 'Error: via runDlqCommand' },
    ]);
  });

  test('when run as `npm run jobs:dlq`, then it reads REDIS_URL and QUEUE_PREFIX and lists the dead letters', async () => {
    await seed(letter('mail', 'evt-9', 'Error: via npm'));

    const child = spawn('npm', ['run', '--silent', 'jobs:dlq', '--', 'list', '--json'], {
      cwd: PACKAGE_ROOT,
      env: { ...process.env, REDIS_URL: redis.url, QUEUE_PREFIX: redis.prefix },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const [code] = await once(child, 'exit');

    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject([{ id: 'evt-9', reason: 'Error: via npm' }]);
  }, 20_000);
});

describe('runDlqCommand', () => {
  test('when Redis does not answer, then it exits 1 and says why on stderr', async () => {
    let stderr = '';

    const code = await runDlqCommand(['list'], {
      redisUrl: `redis://127.0.0.1:${await freePort()}`,
      prefix: 'bull',
      stdout: { write: () => expect.unreachable('nothing is listed without Redis') },
      stderr: { write: (text: string) => (stderr += text) },
    });

    expect(code).toBe(1);
    expect(stderr).toMatch(/^jobs:dlq failed: /);
  });
});
