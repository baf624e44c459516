import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createService, type Service } from './create-service.ts';
import { type ReadinessCheck, runCheck } from './health.ts';

const pools: pg.Pool[] = [];
const apps: Service[] = [];

/** A readiness check on a real pg Pool, the way the db package will register one. */
function postgresCheck(port: number): ReadinessCheck {
  const pool = new pg.Pool({
    host: '127.0.0.1',
    port,
    user: 'postgres',
    database: 'postgres',
    connectionTimeoutMillis: 2000,
  });
  pools.push(pool);
  return {
    name: 'postgres',
    timeoutMs: 1000,
    check: async () => {
      await pool.query('select 1');
    },
  };
}

async function serviceWith(readinessChecks: ReadinessCheck[]): Promise<Service> {
  const app = await createService({
    name: 'kit-test',
    logLevel: 'silent',
    readinessChecks,
    // A loaded test runner's stall must not shed the request under test.
    loadShedding: { maxEventLoopDelayMs: 0 },
  });
  apps.push(app);
  return app;
}

afterEach(async () => {
  await Promise.all(apps.splice(0).map((app) => app.close()));
  await Promise.all(pools.splice(0).map((pool) => pool.end()));
});

describe('GET /health/ready', () => {
  it('when Postgres answers, then 200 with the check passed', async () => {
    const app = await serviceWith([postgresCheck(5432)]);

    const res = await app.inject('/health/ready');

    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'ok',
      checks: [{ name: 'postgres', status: 'pass' }],
    });
  });

  it('when Postgres is unreachable, then /health/ready answers 503 naming the check', async () => {
    const app = await serviceWith([postgresCheck(1)]);

    const res = await app.inject('/health/ready');

    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const problem = res.json();
    expect(problem).toMatchObject({
      status: 503,
      code: 'SERVICE_UNAVAILABLE',
      detail: 'Readiness check failed: postgres.',
      checks: [{ name: 'postgres', status: 'fail' }],
    });
    // The driver's error (address, errno) is logged, not shown.
    expect(res.body).not.toMatch(/ECONNREFUSED|127\.0\.0\.1/);
  });

  it('when one of several checks fails, then only the failing one is named', async () => {
    const app = await serviceWith([postgresCheck(5432)]);
    app.addReadinessCheck({
      name: 'redis',
      check: async () => {
        throw new Error('connection lost');
      },
    });

    const res = await app.inject('/health/ready');

    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toBe('Readiness check failed: redis.');
    expect(res.json().checks).toEqual([
      expect.objectContaining({ name: 'postgres', status: 'pass' }),
      expect.objectContaining({ name: 'redis', status: 'fail' }),
    ]);
  });

  it('when a check hangs, then it times out and 503 arrives within its timeout', async () => {
    const app = await serviceWith([
      { name: 'slow-dependency', timeoutMs: 100, check: () => new Promise(() => {}) },
    ]);
    const started = performance.now();

    const res = await app.inject('/health/ready');

    expect(performance.now() - started).toBeLessThan(1000);
    expect(res.statusCode).toBe(503);
    expect(res.json().checks).toEqual([
      expect.objectContaining({ name: 'slow-dependency', status: 'timeout' }),
    ]);
  });

  it('when the service is draining, then 503 without running the checks', async () => {
    let ran = false;
    const app = await serviceWith([
      {
        name: 'postgres',
        check: async () => {
          ran = true;
        },
      },
    ]);
    app.beginDrain();

    const res = await app.inject('/health/ready');

    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({
      code: 'SERVICE_UNAVAILABLE',
      detail: 'The service is shutting down.',
    });
    expect(ran).toBe(false);
  });

  it('when two checks share a name, then the second is refused', async () => {
    const app = await serviceWith([postgresCheck(5432)]);

    expect(() => app.addReadinessCheck({ name: 'postgres', check: async () => {} })).toThrow(
      /already exists/,
    );
  });
});

describe('runCheck', () => {
  it('when the check throws synchronously, then it is reported as failed, not thrown', async () => {
    const result = await runCheck({
      name: 'broken',
      check: () => {
        throw new Error('sync');
      },
    });

    expect(result).toMatchObject({ name: 'broken', status: 'fail' });
  });

  it('when the check times out, then its signal is aborted so it can stop working', async () => {
    let signal: AbortSignal | undefined;

    await runCheck({
      name: 'slow',
      timeoutMs: 20,
      check: (given) => {
        signal = given;
        return new Promise(() => {});
      },
    });

    expect(signal?.aborted).toBe(true);
  });
});
