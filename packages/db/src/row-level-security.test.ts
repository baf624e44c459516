import { describe, expect, test } from 'vitest';
import { withSessionRole } from './row-level-security.ts';

const optionsOf = (url: string) => new URL(url).searchParams.get('options');

describe('withSessionRole', () => {
  test('when a role is given, then every connection starts with it as its current role', () => {
    const url = withSessionRole('postgresql://svc:secret@db:5432/groundwork_orders', 'orders_app');
    expect(optionsOf(url)).toBe('-c role=orders_app');
    expect(new URL(url).password).toBe('secret');
  });

  test('when the URL names a Prisma schema, then the search_path is kept beside the role', () => {
    const url = withSessionRole('postgresql://svc@db/orders?schema=tenant_data', 'orders_app');
    expect(optionsOf(url)).toBe('-c role=orders_app -c search_path="tenant_data"');
  });

  test('when the URL has startup options, then the role is added to them', () => {
    const url = withSessionRole('postgresql://svc@db/orders?options=-c%20work_mem%3D8MB', 'app');
    expect(optionsOf(url)).toBe('-c work_mem=8MB -c role=app');
  });

  test('when the role is not a plain name, then it is refused instead of being spliced in', () => {
    expect(() => withSessionRole('postgresql://svc@db/orders', 'app -c role=postgres')).toThrow(
      TypeError,
    );
  });
});
