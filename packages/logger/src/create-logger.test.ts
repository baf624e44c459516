import { spawnSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { createLogger } from './create-logger.ts';
import { recordLines } from './record-lines.ts';

describe('createLogger', () => {
  test('when a line is logged, then it carries the service, an ISO time and the level as a word', () => {
    const { lines, destination } = recordLines();
    createLogger({ service: 'orders', destination }).info({ orderId: 'o-1' }, 'order placed');
    expect(lines[0]).toMatchObject({
      service: 'orders',
      level: 'info',
      orderId: 'o-1',
      msg: 'order placed',
    });
    expect(new Date(lines[0]?.time as string).toISOString()).toBe(lines[0]?.time);
  });

  test('when request headers hold credentials, then they are redacted', () => {
    const { lines, destination } = recordLines();
    createLogger({ service: 'gateway', destination }).info({
      req: {
        method: 'GET',
        headers: {
          authorization: 'Bearer eyJ.secret',
          cookie: 'sid=abc',
          accept: 'application/json',
        },
      },
      res: { headers: { 'set-cookie': 'sid=abc' } },
    });
    const line = JSON.stringify(lines[0]);
    expect(line).not.toContain('eyJ.secret');
    expect(line).not.toContain('sid=abc');
    expect(lines[0]).toMatchObject({
      req: {
        headers: { authorization: '[redacted]', cookie: '[redacted]', accept: 'application/json' },
      },
    });
  });

  test('when passwords and tokens sit in nested objects, then they are redacted at every depth', () => {
    const { lines, destination } = recordLines();
    createLogger({ service: 'identity', destination }).info({
      password: 'p0',
      body: { password: 'p1', refreshToken: 'r1' },
      input: { credentials: { clientSecret: 's2', user: { accessToken: 'a3' } } },
    });
    const line = JSON.stringify(lines[0]);
    for (const secret of ['p0', 'p1', 'r1', 's2', 'a3']) expect(line).not.toContain(`"${secret}"`);
  });

  test('when a child logger is bound to a secret, then its lines carry it redacted', () => {
    const { lines, destination } = recordLines();
    const logger = createLogger({ service: 'gateway', destination });
    logger.child({ client: { id: 'svc-1', apiKey: 'k-123' } }).info('called');
    expect(JSON.stringify(lines[0])).not.toContain('k-123');
    expect(lines[0]).toMatchObject({ client: { id: 'svc-1', apiKey: '[redacted]' } });
  });

  test('when the level is warn, then info lines are dropped', () => {
    const { lines, destination } = recordLines();
    const logger = createLogger({ service: 'worker', level: 'warn', destination });
    logger.info('quiet');
    logger.warn('loud');
    expect(lines.map((line) => line.msg)).toEqual(['loud']);
  });

  test('when no destination is given, then each line reaches stdout before the call returns, so a process killed right after keeps it', () => {
    // The child logs 200 lines and kills itself with SIGKILL at once: no exit hook, no flush.
    const script = `
      const { createLogger } = await import(${JSON.stringify(new URL('./create-logger.ts', import.meta.url).href)});
      const logger = createLogger({ service: 'worker' });
      for (let i = 0; i < 200; i++) logger.info({ i }, 'line');
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
    });

    expect(child.signal).toBe('SIGKILL');
    const lines = child.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(200);
    expect(lines.at(-1)).toMatchObject({ service: 'worker', msg: 'line', i: 199 });
  });
});
