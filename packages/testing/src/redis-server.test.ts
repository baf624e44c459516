import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { findRedisServer } from './redis-server.ts';

describe('findRedisServer', () => {
  let withBinary: string;
  let withoutBinary: string;
  beforeAll(async () => {
    withBinary = await mkdtemp(join(tmpdir(), 'gw-find-redis-'));
    withoutBinary = await mkdtemp(join(tmpdir(), 'gw-find-redis-'));
    await writeFile(join(withBinary, 'redis-server'), '#!/bin/sh\n');
    await chmod(join(withBinary, 'redis-server'), 0o755);
    // Not executable: a PATH entry like this one must be passed over.
    await writeFile(join(withoutBinary, 'redis-server'), '');
  });
  afterAll(async () => {
    await rm(withBinary, { recursive: true, force: true });
    await rm(withoutBinary, { recursive: true, force: true });
  });

  test('when REDIS_SERVER_BIN names an executable, then it wins over the PATH', () => {
    const env = { REDIS_SERVER_BIN: process.execPath, PATH: withBinary };

    expect(findRedisServer(env)).toBe(process.execPath);
  });

  test('when only the PATH has it, then the first executable one is found', () => {
    const env = { PATH: [withoutBinary, '', withBinary].join(delimiter) };

    expect(findRedisServer(env)).toBe(join(withBinary, 'redis-server'));
  });

  test('when neither names an executable, then there is none', () => {
    const env = { REDIS_SERVER_BIN: join(withoutBinary, 'redis-server'), PATH: withoutBinary };

    expect(findRedisServer(env)).toBeUndefined();
  });
});
