import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, test } from 'vitest';
import type { IsolationReport } from '../test/fixtures/isolation.ts';
import { quoteIdentifier, withClient } from './postgres-admin.ts';
import { deleteKeysWithPrefix } from './test-redis.ts';
import { describeWithServices, usePostgres, useRedis } from './vitest.ts';

/**
 * These tests run vitest itself on test/fixtures (up to three files in three workers, with the
 * real global setup) and inspect what the fixture files saw, the JSON report and the servers.
 */

const fixturesDir = fileURLToPath(new URL('../test/fixtures', import.meta.url));
const consumerDir = fileURLToPath(new URL('../test/consumer', import.meta.url));
const redisServerDir = fileURLToPath(new URL('../test/redis-server', import.meta.url));
/** An environment without a redis-server binary: node's own folder is the whole PATH. */
const NO_REDIS_SERVER = { PATH: dirname(process.execPath), REDIS_SERVER_BIN: '' };
const vitestBin = join(
  dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
  'vitest.mjs',
);
const CLOSED_POSTGRES = 'postgresql://postgres:hunter2@127.0.0.1:1/postgres';

interface JsonReport {
  numPassedTests: number;
  numPendingTests: number;
  numFailedTests: number;
  testResults: { name: string; status: string; message: string }[];
}

interface NestedRun {
  readonly run: string;
  readonly outDir: string;
  readonly exitCode: number;
  readonly output: string;
  readonly report: JsonReport;
}

const runs: NestedRun[] = [];

async function runVitest(
  root: string,
  env: Record<string, string>,
  files: readonly string[] = [],
  config: readonly string[] = [],
): Promise<NestedRun> {
  const run = randomBytes(4).toString('hex');
  const outDir = await mkdtemp(join(tmpdir(), 'gw-harness-'));
  // The outer run's worker variables would make the nested vitest think it is a worker.
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('VITEST') && name !== 'CI'),
  );
  const reportFile = join(outDir, 'report.json');
  const { exitCode, output } = await new Promise<{ exitCode: number; output: string }>(
    (resolve) => {
      execFile(
        process.execPath,
        [
          vitestBin,
          'run',
          ...files,
          '--root',
          root,
          ...config,
          '--maxWorkers=3',
          // Results cache off: it would write node_modules/ into the fixture folders.
          '--no-cache',
          '--reporter=default',
          '--reporter=json',
          `--outputFile.json=${reportFile}`,
        ],
        {
          env: { ...inherited, GW_SELFTEST_RUN: run, GW_SELFTEST_OUT: outDir, ...env },
          timeout: 30_000,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ exitCode: code, output: `${stdout}\n${stderr}` });
        },
      );
    },
  );
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as JsonReport;
  const nested = { run, outDir, exitCode, output, report };
  runs.push(nested);
  return nested;
}

async function readReport(run: NestedRun, label: string): Promise<IsolationReport> {
  return JSON.parse(await readFile(join(run.outDir, `${label}.json`), 'utf8')) as IsolationReport;
}

describeWithServices('the vitest harness, run for real', ['postgres', 'redis'], () => {
  const db = usePostgres();
  const redis = useRedis();

  afterAll(async () => {
    for (const run of runs) {
      await deleteKeysWithPrefix(redis.url, `gw:selftest:${run.run}:`);
      await rm(run.outDir, { recursive: true, force: true });
      await withClient(db.adminUrl, async (client) => {
        const { rows } = await client.query<{ datname: string }>(
          'select datname from pg_database where datname like $1',
          [`gw\\_tpl\\_harness\\_selftest\\_${run.run}\\_%`],
        );
        for (const { datname } of rows) {
          await client.query(`alter database ${quoteIdentifier(datname)} with is_template false`);
          await client.query(`drop database ${quoteIdentifier(datname)} with (force)`);
        }
      });
    }
  });

  // Also proves a Redis prefix per file, one template migration per run, and nothing left after.
  test.concurrent('when two test files run at once, then each gets its own database', async ({
    expect,
  }) => {
    const sentinel = `gw:selftest:sentinel:${randomBytes(4).toString('hex')}`;
    await redis.client.set(sentinel, 'another file');

    const run = await runVitest(fixturesDir, {
      TEST_POSTGRES_URL: db.adminUrl,
      TEST_REDIS_URL: redis.url,
      CI: '',
    });

    expect(run.exitCode, run.output).toBe(0);
    expect(run.report.numPassedTests).toBe(3);
    const [first, second] = await Promise.all([
      readReport(run, 'first'),
      readReport(run, 'second'),
    ]);
    expect(first.database).not.toBe(second.database);
    expect(first.prefix).not.toBe(second.prefix);
    expect([first.authors, second.authors]).toEqual([['first'], ['second']]);
    expect([first.owner, second.owner]).toEqual(['first', 'second']);

    const raw = redis.client.duplicate({ keyPrefix: '' });
    try {
      expect(await raw.get(`gw:selftest:${run.run}:migrations`)).toBe('1');
      expect(await raw.keys(`${first.prefix}*`)).toEqual([]);
      expect(await raw.keys(`${second.prefix}*`)).toEqual([]);
    } finally {
      await raw.quit();
    }
    expect(await redis.client.get(sentinel)).toBe('another file');
    const leftovers = await withClient(db.adminUrl, async (client) => {
      const { rows } = await client.query(
        'select datname from pg_database where datname = any($1)',
        [[first.database, second.database]],
      );
      return rows;
    });
    expect(leftovers).toEqual([]);
  }, 60_000);

  test.concurrent('when Postgres is missing outside CI, then every test that needs it is skipped with a reason naming it, without its password', async ({
    expect,
  }) => {
    const run = await runVitest(
      fixturesDir,
      { TEST_POSTGRES_URL: CLOSED_POSTGRES, TEST_REDIS_URL: redis.url, CI: '' },
      ['first', 'hooks-only'],
    );

    expect(run.exitCode, run.output).toBe(0);
    expect(run.report).toMatchObject({ numPendingTests: 2, numPassedTests: 0, numFailedTests: 0 });
    expect(run.output).toContain(
      '[@groundwork/testing] skipping: Postgres is unavailable: TEST_POSTGRES_URL=postgresql://postgres:***@127.0.0.1:1/postgres did not answer',
    );
    expect(run.output).not.toContain('hunter2');
  }, 60_000);

  test.concurrent('when Postgres is missing under CI, then every file that needs it fails loudly, naming it, without its password', async ({
    expect,
  }) => {
    const run = await runVitest(
      fixturesDir,
      { TEST_POSTGRES_URL: CLOSED_POSTGRES, TEST_REDIS_URL: redis.url, CI: 'true' },
      ['first', 'hooks-only'],
    );

    expect(run.exitCode).toBe(1);
    expect(run.report.testResults.map((file) => file.status)).toEqual(['failed', 'failed']);
    for (const file of run.report.testResults) {
      expect(file.message).toMatch(
        /^Postgres is unavailable: .* CI is set, so this fails instead of skipping/,
      );
    }
    expect(JSON.stringify(run.report) + run.output).not.toContain('hunter2');
  }, 60_000);

  test.concurrent('when a package declares @groundwork/testing, then the shared vitest config provides the services with no setup of its own', async ({
    expect,
  }) => {
    const run = await runVitest(consumerDir, {
      TEST_POSTGRES_URL: db.adminUrl,
      TEST_REDIS_URL: redis.url,
      CI: '',
    });

    expect(run.exitCode, run.output).toBe(0);
    expect(run.report.numPassedTests).toBe(1);
  }, 60_000);

  test.concurrent('when a config does not register the global setup, then each file resolves the services itself, without containers', async ({
    expect,
  }) => {
    const noSetup = ['--config', join(fixturesDir, 'vitest.no-setup.config.ts')];

    const [working, missing] = await Promise.all([
      runVitest(
        fixturesDir,
        { TEST_POSTGRES_URL: db.adminUrl, TEST_REDIS_URL: redis.url, CI: '' },
        ['hooks-only'],
        noSetup,
      ),
      runVitest(
        fixturesDir,
        { TEST_POSTGRES_URL: CLOSED_POSTGRES, TEST_REDIS_URL: redis.url, CI: '' },
        ['hooks-only'],
        noSetup,
      ),
    ]);

    expect(working.exitCode, working.output).toBe(0);
    expect(working.report.numPassedTests).toBe(1);
    expect(missing.report.numPendingTests).toBe(1);
    expect(missing.output).toContain(
      'Containers start only from the @groundwork/testing global setup, which this vitest config does not register.',
    );
  }, 60_000);

  test.concurrent('when redis-server is on the PATH, then a file with useRedisServer runs on its own server', async ({
    expect,
  }) => {
    const run = await runVitest(redisServerDir, { CI: '' });

    expect(run.exitCode, run.output).toBe(0);
    expect(run.report.numPassedTests).toBe(1);
  }, 60_000);

  test.concurrent('when redis-server is missing outside CI, then each test that needs its own server is skipped, naming the binary', async ({
    expect,
  }) => {
    const run = await runVitest(redisServerDir, { ...NO_REDIS_SERVER, CI: '' });

    expect(run.exitCode, run.output).toBe(0);
    expect(run.report).toMatchObject({ numPendingTests: 1, numPassedTests: 0, numFailedTests: 0 });
    expect(run.output).toContain('[@groundwork/testing] skipping: no redis-server binary');
  }, 60_000);

  test.concurrent('when redis-server is missing under CI, then the file fails loudly, naming the binary', async ({
    expect,
  }) => {
    const run = await runVitest(redisServerDir, { ...NO_REDIS_SERVER, CI: 'true' });

    expect(run.exitCode).toBe(1);
    expect(run.report.testResults.map((file) => file.status)).toEqual(['failed']);
    expect(run.report.testResults[0]?.message).toMatch(
      /^no redis-server binary .* CI is set, so this fails instead of skipping/,
    );
  }, 60_000);
});
