import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, test } from 'vitest';
import { DEMO_DATA } from './demo-data.ts';

const readme = await readFile(path.join(import.meta.dirname, '..', 'README.md'), 'utf8');
const demoSection = readme.slice(readme.indexOf('## Demo data'));

test('when the README documents the demo data, then it lists every seeded account with its password, and every organization id and client secret', () => {
  const documented = [
    ...DEMO_DATA.users.flatMap((user) => [user.email, user.password]),
    ...DEMO_DATA.organizations.flatMap((organization) => [
      organization.id,
      ...organization.clients.flatMap((client) => [client.id, client.secret]),
    ]),
  ];
  const missing = documented.filter((value) => !demoSection.includes(`\`${value}\``));
  expect(missing).toEqual([]);
});
