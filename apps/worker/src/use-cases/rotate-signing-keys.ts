/**
 * Identity's signing keys, behind a port: identity owns them and the rotation itself (a new key
 * is published in the JWKS before it signs, the old one stays there until the tokens it signed
 * have expired); the worker only decides when.
 */
export interface SigningKeys {
  /**
   * Rotates unless the active key is younger than `minAgeMs`, which makes a repeated run of the
   * same schedule (a retry, a re-run after a crash) a no-op. Resolves to the active key's id.
   */
  rotateUnlessYounger(
    minAgeMs: number,
    now: Date,
  ): Promise<{ readonly rotated: boolean; readonly activeKeyId: string }>;
}

/** The scheduled job: rotates identity's signing key. */
export async function rotateSigningKeys(
  deps: { readonly keys: SigningKeys; readonly now: () => Date },
  input: { readonly minKeyAgeMinutes: number },
): Promise<{ readonly rotated: boolean; readonly activeKeyId: string }> {
  return deps.keys.rotateUnlessYounger(input.minKeyAgeMinutes * 60_000, deps.now());
}
