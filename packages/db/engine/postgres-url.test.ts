import { describe, expect, test } from 'vitest';
import {
  describePostgresUrl,
  sameDatabase,
  toPgConnectionString,
  withDatabase,
} from './postgres-url.js';

describe('postgres-url', () => {
  test('when a URL carries ?schema=, then pg gets it as the session search_path', () => {
    const pgUrl = new URL(toPgConnectionString('postgresql://u:p@db:5433/app?schema=tenant_a'));

    expect(pgUrl.searchParams.get('options')).toBe('-c search_path="tenant_a"');
    expect(pgUrl.searchParams.has('schema')).toBe(false);
  });

  test('when a URL carries Prisma-only parameters, then pg does not see them', () => {
    const pgUrl = new URL(
      toPgConnectionString('postgresql://db/app?connection_limit=5&pool_timeout=2&sslmode=require'),
    );

    expect([...pgUrl.searchParams.keys()]).toEqual(['sslmode']);
  });

  test('when a URL already sets options, then ?schema= does not override them', () => {
    const pgUrl = new URL(toPgConnectionString('postgresql://db/app?schema=a&options=-c%20x%3D1'));

    expect(pgUrl.searchParams.get('options')).toBe('-c x=1');
  });

  test('when described, then the parts come back decoded with defaults and never the password', () => {
    expect(describePostgresUrl('postgresql://us%40er:secret@db/my%20app?schema=s')).toEqual({
      host: 'db',
      port: '5432',
      database: 'my app',
      user: 'us@er',
      schema: 's',
    });
  });

  test('when two URLs differ only in credentials or parameters, then they name the same database', () => {
    expect(sameDatabase('postgresql://a@db:5432/app', 'postgresql://b:x@db/app?schema=s')).toBe(
      true,
    );
    expect(sameDatabase('postgresql://db/app', withDatabase('postgresql://db/app', 'shadow'))).toBe(
      false,
    );
  });
});
