import { describe, expect, test } from 'vitest';
import { identityErrors } from './identity-errors.ts';
import { assertPasswordPolicy, normalizePassword } from './password-policy.ts';

function refusal(password: string) {
  try {
    assertPasswordPolicy(password);
    return undefined;
  } catch (error) {
    return error;
  }
}

describe('password policy', () => {
  test('when a password has 11 characters, then it is refused as IDENTITY_WEAK_PASSWORD naming the field', () => {
    const error = refusal('a'.repeat(11));
    expect(identityErrors.IDENTITY_WEAK_PASSWORD.is(error)).toBe(true);
    expect((error as { fields: unknown }).fields).toEqual([
      { field: '/body/password', message: 'must have at least 12 characters' },
    ]);
  });

  test('when a password has 12 or 128 characters, then it is accepted', () => {
    expect(refusal('a'.repeat(12))).toBeUndefined();
    expect(refusal('a'.repeat(128))).toBeUndefined();
  });

  test('when a password has 129 characters, then it is refused', () => {
    expect(identityErrors.IDENTITY_WEAK_PASSWORD.is(refusal('a'.repeat(129)))).toBe(true);
  });

  test('when a password is made of emoji, then each counts as one character, not two UTF-16 units', () => {
    expect(refusal('🔑'.repeat(12))).toBeUndefined();
    expect(identityErrors.IDENTITY_WEAK_PASSWORD.is(refusal('🔑'.repeat(129)))).toBe(true);
  });

  test('when the same password is typed composed or decomposed, then both normalize to the same string', () => {
    expect(normalizePassword('cafe\u0301 au lait!!')).toBe(normalizePassword('café au lait!!'));
  });
});
