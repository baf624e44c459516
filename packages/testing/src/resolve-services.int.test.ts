import { describe, expect, test } from 'vitest';
import { isCi, requireServiceOrSkip } from './require-service.ts';
import { resolveService, type ServiceResolution } from './resolve-services.ts';
import { TestingError } from './testing-error.ts';
import { describeWithServices, usePostgres, useRedis } from './vitest.ts';

// Nothing listens on port 1: a connection is refused at once.
const CLOSED_POSTGRES = 'postgresql://postgres:hunter2@127.0.0.1:1/postgres';
const CLOSED_REDIS = 'redis://:hunter2@127.0.0.1:1';
const NO_ENGINE = async () =>
  ({ ok: false, problem: 'Could not find a working container runtime strategy' }) as const;

function reasonOf(resolution: ServiceResolution): string {
  if (resolution.status !== 'unavailable')
    throw new Error(`expected unavailable, got ${resolution.url}`);
  return resolution.reason;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('resolveService', () => {
  test('when TEST_POSTGRES_URL does not answer and CI is set, then requiring it fails naming Postgres, without the password', async () => {
    const { resolution } = await resolveService('postgres', {
      env: { TEST_POSTGRES_URL: CLOSED_POSTGRES },
    });

    const error = thrown(() => requireServiceOrSkip(resolution, { CI: 'true' }));

    expect(error).toBeInstanceOf(TestingError);
    expect(error).toMatchObject({ code: 'TESTING_SERVICE_UNAVAILABLE' });
    const message = (error as Error).message;
    expect(message).toMatch(
      /^Postgres is unavailable: TEST_POSTGRES_URL=postgresql:\/\/postgres:\*\*\*@127\.0\.0\.1:1\/postgres did not answer \(.*ECONNREFUSED/,
    );
    expect(message).toContain('CI is set, so this fails instead of skipping');
    expect(message).not.toContain('hunter2');
  });

  test('when TEST_REDIS_URL does not answer and CI is set, then requiring it fails naming Redis', async () => {
    const { resolution } = await resolveService('redis', { env: { TEST_REDIS_URL: CLOSED_REDIS } });

    const error = thrown(() => requireServiceOrSkip(resolution, { CI: '1' }));

    expect((error as Error).message).toMatch(
      /^Redis is unavailable: TEST_REDIS_URL=redis:\/\/:\*\*\*@127\.0\.0\.1:1 did not answer/,
    );
    expect((error as Error).message).not.toContain('hunter2');
  });

  test('when TEST_POSTGRES_URL does not answer outside CI, then the decision is a skip with the reason', async () => {
    const { resolution } = await resolveService('postgres', {
      env: { TEST_POSTGRES_URL: CLOSED_POSTGRES },
    });

    const decision = requireServiceOrSkip(resolution, { CI: 'false' });

    expect(decision).toEqual({ status: 'skip', reason: reasonOf(resolution) });
    expect(reasonOf(resolution)).toContain('Fix TEST_POSTGRES_URL, or unset it');
  });

  test('when no URL is set, the local default is closed and no container engine answers, then the reason lists each attempt and the remedies', async () => {
    const { resolution } = await resolveService(
      'redis',
      { env: {}, localUrls: { redis: 'redis://127.0.0.1:1' } },
      NO_ENGINE,
    );

    expect(reasonOf(resolution)).toMatch(
      /^Redis is unavailable: TEST_REDIS_URL is not set; redis:\/\/127\.0\.0\.1:1 did not answer \(.*ECONNREFUSED.*\); no container engine answered \(Could not find a working container runtime strategy\)\. Run Redis on 127\.0\.0\.1:6379, set TEST_REDIS_URL/,
    );
  });

  test('when containers are turned off, then the engine is not consulted', async () => {
    let consulted = false;
    const { resolution } = await resolveService(
      'postgres',
      {
        env: {},
        localUrls: { postgres: 'postgresql://postgres@127.0.0.1:1/postgres' },
        containers: false,
      },
      async () => {
        consulted = true;
        return { ok: true };
      },
    );

    expect(consulted).toBe(false);
    expect(reasonOf(resolution)).toContain('containers are not started from here');
  });
});

describe('isCi', () => {
  test('when CI is true, 1 or a name, then it is CI; when empty, 0, false or unset, then not', () => {
    expect([{ CI: 'true' }, { CI: '1' }, { CI: 'woodpecker' }].map(isCi)).toEqual([
      true,
      true,
      true,
    ]);
    expect([{ CI: '' }, { CI: '0' }, { CI: 'FALSE' }, {}].map(isCi)).toEqual([
      false,
      false,
      false,
      false,
    ]);
  });
});

describeWithServices('resolveService with services running', ['postgres', 'redis'], () => {
  const db = usePostgres();
  const redis = useRedis();

  test('when TEST_POSTGRES_URL and TEST_REDIS_URL answer, then they are used as given', async () => {
    const env = { TEST_POSTGRES_URL: db.adminUrl, TEST_REDIS_URL: redis.url };

    const [postgres, redisResolution] = await Promise.all([
      resolveService('postgres', { env }, NO_ENGINE),
      resolveService('redis', { env }, NO_ENGINE),
    ]);

    expect(postgres.resolution).toEqual({
      service: 'postgres',
      status: 'ready',
      url: db.adminUrl,
      source: 'env',
    });
    expect(redisResolution.resolution).toEqual({
      service: 'redis',
      status: 'ready',
      url: redis.url,
      source: 'env',
    });
  });

  test('when no URL is set and the local default answers, then the local default is used', async () => {
    const { resolution } = await resolveService(
      'postgres',
      { env: {}, localUrls: { postgres: db.adminUrl } },
      NO_ENGINE,
    );

    expect(resolution).toEqual({
      service: 'postgres',
      status: 'ready',
      url: db.adminUrl,
      source: 'local',
    });
  });
});
