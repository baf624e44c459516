import { describe, expect, it } from 'vitest';
import { CreateAppError } from './create-app-error.ts';
import { packageNameProblem } from './package-name.ts';
import { parseCliArgs } from './parse-args.ts';
import { validateOptions } from './validate-options.ts';

const validate = (...argv: string[]) => validateOptions(parseCliArgs(argv), '/work');

describe('validateOptions', () => {
  it('when only a directory is given, then name and scope come from it and every service is kept', () => {
    expect(validate('projects/my-api')).toEqual({
      targetDir: '/work/projects/my-api',
      name: 'my-api',
      scope: 'my-api',
      services: ['identity', 'orders', 'worker'],
      git: true,
      force: false,
    });
  });

  it('when --name is scoped, then it sets the scope too, and --scope drops a leading @', () => {
    expect(validate('x', '--name', '@acme/shop')).toMatchObject({ name: 'shop', scope: 'acme' });
    expect(validate('x', '--scope', '@acme')).toMatchObject({ name: 'x', scope: 'acme' });
  });

  it('when services are listed out of order, with the gateway, then the canonical order is kept', () => {
    expect(validate('x', '--services', 'worker,gateway,orders,identity').services).toEqual([
      'identity',
      'orders',
      'worker',
    ]);
  });

  it('when the worker is kept without identity or orders, then CREATE_INVALID_SELECTION names what it needs', () => {
    expect(catchError(() => validate('x', '--services', 'worker,identity'))).toMatchObject({
      code: 'CREATE_INVALID_SELECTION',
      message:
        "the worker needs orders: it relays identity's and orders' outboxes, consumes orders' events and runs their scheduled jobs; keep orders, or drop the worker",
    });
    expect(catchError(() => validate('x', '--services', 'worker'))).toMatchObject({
      code: 'CREATE_INVALID_SELECTION',
      message: expect.stringMatching(/^the worker needs identity and orders: /),
    });
    expect(validate('x', '--services', 'identity').services).toEqual(['identity']);
    expect(validate('x', '--services', '').services).toEqual([]);
  });

  it.each([
    [
      ['x', '--services', 'orders,payments,mail'],
      'CREATE_UNKNOWN_SERVICE',
      'unknown services payments, mail; choose from identity, orders, worker',
    ],
    [
      ['My API'],
      'CREATE_INVALID_NAME',
      'project name "My API" must be lowercase (taken from the directory; pass --name)',
    ],
    [
      ['x', '--name', 'http'],
      'CREATE_INVALID_NAME',
      'project name "http" is reserved (a Node.js core module or npm name)',
    ],
    [
      ['x', '--name', '.hidden'],
      'CREATE_INVALID_NAME',
      'project name ".hidden" must not start with . or _',
    ],
    [['x', '--scope', 'Acme'], 'CREATE_INVALID_SCOPE', 'npm scope "@Acme" must be lowercase'],
    [
      ['x', '--scope', 'a/b'],
      'CREATE_INVALID_SCOPE',
      'npm scope "@a/b" may contain "/" only as @scope/name',
    ],
    [
      ['x', '--scope', 'a b'],
      'CREATE_INVALID_SCOPE',
      'npm scope "@a b" may contain only URL-safe characters (a-z, 0-9, -, ., _)',
    ],
  ])('when the input is %j, then %s is one line: %s', (argv, code, message) => {
    const error = catchError(() => validate(...argv));
    expect(error).toMatchObject({ code, message });
  });

  it('when no directory is given (no prompt to ask), then CREATE_MISSING_INPUT says how to call it', () => {
    expect(catchError(() => validate('--yes'))).toMatchObject({
      code: 'CREATE_MISSING_INPUT',
      message: 'missing the project directory: npm create groundwork@latest my-api',
    });
  });
});

describe('packageNameProblem', () => {
  it.each(['my-api', 'a', 'my.api_2', '@acme/gateway'])(
    'when the name is %s, then it is valid',
    (name) => {
      expect(packageNameProblem(name)).toBeUndefined();
    },
  );

  it.each([
    ['', 'must not be empty'],
    ['a'.repeat(215), 'must be at most 214 characters'],
    [' api', 'must not start or end with spaces'],
    ['node_modules', 'is reserved (a Node.js core module or npm name)'],
    ["it's", "must not contain any of ~'!()*"],
    ['@acme/', 'may contain "/" only as @scope/name'],
    ['caf\u00e9', 'may contain only URL-safe characters (a-z, 0-9, -, ., _)'],
  ])('when the name is %j, then the problem is "%s"', (name, problem) => {
    expect(packageNameProblem(name)).toBe(problem);
  });
});

function catchError(action: () => unknown): CreateAppError {
  try {
    action();
  } catch (error) {
    if (error instanceof CreateAppError) return error;
    throw error;
  }
  throw new Error('expected a CreateAppError');
}
