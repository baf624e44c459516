import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describeWithServices, usePostgres } from '@groundwork/testing/vitest';
import { expect, test } from 'vitest';
import { ordersTemplate } from '../test/orders-database.ts';

const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));
const COMMAND = fileURLToPath(new URL('./seed-command.ts', import.meta.url));

/** `npm run db:seed` as the package script runs it, with only the environment given. */
async function runSeed(env: Record<string, string>) {
  try {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--conditions=@groundwork/source', COMMAND],
      { cwd: PACKAGE_ROOT, env: { PATH: process.env.PATH ?? '', ...env } },
    );
    return { code: 0, stdout, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describeWithServices('npm run db:seed (orders)', ['postgres'], () => {
  const db = usePostgres({ template: ordersTemplate });

  test('when db:seed runs twice against a migrated database, then the first run creates the demo catalog and the second creates nothing', async () => {
    const first = await runSeed({ DATABASE_URL: db.url });
    const second = await runSeed({ DATABASE_URL: db.url });

    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('products 16.');
    expect(second).toMatchObject({ code: 0 });
    expect(second.stdout).toContain('products 0.');
  });

  test('when NODE_ENV is production, then db:seed refuses before it connects', async () => {
    const refused = await runSeed({
      NODE_ENV: 'production',
      // Nothing listens here: reaching the database would fail another way.
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:1/groundwork_orders',
    });

    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('db:seed refused: NODE_ENV is production');
  });
});
