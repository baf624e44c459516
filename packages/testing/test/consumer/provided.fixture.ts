import { expect, inject, test } from 'vitest';

test('when a package declares @groundwork/testing, then the shared config provides the services', () => {
  expect(inject('groundworkTestServices')).toMatchObject({
    postgres: { service: 'postgres', status: 'ready', source: 'env' },
    redis: { service: 'redis', status: 'ready', source: 'env' },
  });
});
