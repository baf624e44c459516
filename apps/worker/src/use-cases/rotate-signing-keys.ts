/**
 * Identity's signing keys, behind a port: identity owns them and the whole rotation (when a key
 * is due, a new key published in the JWKS before it signs, the old one kept there until the
 * tokens it signed have expired); the worker only decides when to ask.
 */
export interface SigningKeys {
  /**
   * One step of identity's key life cycle: rotates if the active key is due, else changes
   * nothing, so a repeated run (a retry, a re-run after a crash) is harmless.
   */
  rotateIfDue(): Promise<{ readonly rotated: boolean; readonly activeKeyId: string | null }>;
}

/** The scheduled job: asks identity to rotate its signing key when it is due. */
export async function rotateSigningKeys(deps: {
  readonly keys: SigningKeys;
}): Promise<{ readonly rotated: boolean; readonly activeKeyId: string | null }> {
  return deps.keys.rotateIfDue();
}
