import type { FieldError } from '@groundwork/errors';
import { identityErrors } from './identity-errors.ts';

/** NIST SP 800-63B: at least 8, we ask 12; a cap bounds the hashing work a request can cause. */
export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

/**
 * The form a password is hashed and compared in. NFKC, so the same password typed on two
 * keyboards (composed or decomposed accents, full-width digits) is the same password.
 */
export function normalizePassword(password: string): string {
  return password.normalize('NFKC');
}

/**
 * Throws IDENTITY_WEAK_PASSWORD unless the normalized password has 12 to 128 characters
 * (Unicode code points, not UTF-16 units, so an emoji counts once). No composition rules: length
 * is what makes a password strong, and rules push people to predictable patterns.
 */
export function assertPasswordPolicy(password: string, field = '/body/password'): void {
  const length = [...normalizePassword(password)].length;
  const problems: FieldError[] = [];
  if (length < PASSWORD_MIN_LENGTH) {
    problems.push({ field, message: `must have at least ${PASSWORD_MIN_LENGTH} characters` });
  }
  if (length > PASSWORD_MAX_LENGTH) {
    problems.push({ field, message: `must have at most ${PASSWORD_MAX_LENGTH} characters` });
  }
  if (problems.length > 0) {
    throw identityErrors.IDENTITY_WEAK_PASSWORD.create(
      `Passwords have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`,
      { fields: problems },
    );
  }
}
