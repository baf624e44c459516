import { describe, expect, test } from 'vitest';
import { etagOf, expectedVersionOf, isNotModified } from './etag.ts';

describe('etags', () => {
  test('when a version is tagged and read back from If-Match, then it round-trips', () => {
    expect(expectedVersionOf(etagOf(7))).toBe(7);
    expect(expectedVersionOf('*')).toBeUndefined();
    expect(expectedVersionOf(undefined)).toBeUndefined();
  });

  test('when If-None-Match lists the current tag, weak or strong, or is *, then the copy is current', () => {
    expect(isNotModified('"3"', 3)).toBe(true);
    expect(isNotModified('"1", W/"3"', 3)).toBe(true);
    expect(isNotModified('*', 3)).toBe(true);
    expect(isNotModified('"2"', 3)).toBe(false);
    expect(isNotModified(undefined, 3)).toBe(false);
  });
});
