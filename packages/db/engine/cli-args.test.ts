import { describe, expect, test } from 'vitest';
import { parseEngineArgs } from './cli-args.js';

describe('parseEngineArgs', () => {
  test('when the CLI starts the RPC server, then schema files and datasource are read', () => {
    const args = parseEngineArgs([
      '--datamodels',
      'a.prisma',
      '--datamodels=b.prisma',
      '--datasource',
      '{"url":"postgresql://db/app"}',
    ]);

    expect(args).toMatchObject({
      datamodels: ['a.prisma', 'b.prisma'],
      datasource: { url: 'postgresql://db/app' },
      cliCommand: undefined,
    });
  });

  test('when the CLI runs a one-shot command, then the command after "cli" is returned', () => {
    const args = parseEngineArgs([
      '--datasource',
      '{"url":"postgresql://db/app"}',
      'cli',
      'create-database',
    ]);

    expect(args.cliCommand).toBe('create-database');
  });

  test('when flags the wasm engine ignores carry values, then the values are not taken for a command', () => {
    const args = parseEngineArgs(['--enabled-preview-features', 'cli', '--extension-types', '{}']);

    expect(args.cliCommand).toBeUndefined();
  });
});
