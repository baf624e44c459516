import { describe, expect, test } from 'vitest';
import { redactUrl, scrubPassword } from './redact-url.ts';

describe('redactUrl', () => {
  test('when the URL has a password, then only the password is masked', () => {
    expect(redactUrl('postgresql://app:s3cret@db:5432/app?sslmode=require')).toBe(
      'postgresql://app:***@db:5432/app?sslmode=require',
    );
  });

  test('when the password is a query parameter, then it is masked too', () => {
    expect(redactUrl('postgresql://db/app?user=app&password=s3cret')).toBe(
      'postgresql://db/app?user=app&password=***',
    );
  });

  test('when the URL has no password, then it is unchanged', () => {
    expect(redactUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
  });

  test('when the input cannot be parsed, then none of it is echoed', () => {
    expect(redactUrl('postgres://app:s3cret@[bad')).toBe('<unparsable URL>');
  });
});

describe('scrubPassword', () => {
  test('when a message quotes the password, then it is masked', () => {
    expect(scrubPassword('auth failed for p%40ss word', 'postgresql://u:p%2540ss@h/d')).toBe(
      'auth failed for *** word',
    );
  });
});
