// The migrate image's entry point (`groundwork-migrate`): applies every pending migration of each
// app in MIGRATE_APPS ("identity orders worker"), one after the other, as the database owner. Each
// app reads its own URL from <APP>_DATABASE_URL (IDENTITY_DATABASE_URL, ...), falling back to
// DATABASE_URL when only one app is migrated. Stops at the first failure with its exit code, so a
// Job or a compose dependency never sees a half-migrated stack as success. `prisma migrate deploy`
// creates a missing database and skips what is applied. JavaScript, not sh: the image has no shell.
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = '/app';
const prisma = path.join(root, 'node_modules/prisma/build/index.js');
const { MIGRATE_APPS, DATABASE_URL } = process.env;
const apps = (MIGRATE_APPS || process.argv[2] || '').split(/\s+/).filter(Boolean);
const fail = (message, code) => {
  process.stderr.write(`groundwork-migrate: ${message}\n`);
  process.exit(code);
};

if (apps.length === 0) fail('set MIGRATE_APPS (e.g. "identity orders worker")', 64);
for (const app of apps) {
  const variable = `${app.toUpperCase().replaceAll('-', '_')}_DATABASE_URL`;
  const url = process.env[variable] || DATABASE_URL;
  if (!url) fail(`${variable} is not set`, 64);
  process.stdout.write(`groundwork-migrate: ${app}\n`);
  const run = spawnSync(process.execPath, [prisma, 'migrate', 'deploy'], {
    cwd: path.join(root, 'apps', app),
    env: { ...process.env, DATABASE_URL: url },
    stdio: 'inherit',
  });
  if (run.status !== 0)
    fail(`${app} failed (${run.signal ?? `exit ${run.status}`})`, run.status || 1);
}
