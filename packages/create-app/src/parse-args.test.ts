import { describe, expect, it } from 'vitest';
import { CreateAppError } from './create-app-error.ts';
import { parseCliArgs } from './parse-args.ts';

describe('parseCliArgs', () => {
  it('when only a directory is given, then every flag has its default and services are unset', () => {
    expect(parseCliArgs(['my-api'])).toEqual({
      dir: 'my-api',
      name: undefined,
      scope: undefined,
      services: undefined,
      git: true,
      yes: false,
      force: false,
      help: false,
    });
  });

  it('when every flag is given, then each is read', () => {
    const args = parseCliArgs([
      'out/my-api',
      '--name',
      'shop',
      '--scope=acme',
      '--services',
      'identity, orders,worker',
      '--no-git',
      '--yes',
      '--force',
    ]);
    expect(args).toMatchObject({
      dir: 'out/my-api',
      name: 'shop',
      scope: 'acme',
      services: ['identity', 'orders', 'worker'],
      git: false,
      yes: true,
      force: true,
    });
  });

  it('when --services is empty, then the list is empty (gateway only), not unset', () => {
    expect(parseCliArgs(['x', '--services', '']).services).toEqual([]);
  });

  it('when a flag is unknown, then a one-line CREATE_UNKNOWN_FLAG error names it', () => {
    const error = catchError(() => parseCliArgs(['x', '--servics', 'orders']));
    expect(error).toMatchObject({ code: 'CREATE_UNKNOWN_FLAG' });
    expect(error.message).toContain('--servics');
    expect(error.message).not.toContain('\n');
  });

  it('when two directories are given, then it is refused', () => {
    expect(catchError(() => parseCliArgs(['a', 'b'])).code).toBe('CREATE_UNKNOWN_FLAG');
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
