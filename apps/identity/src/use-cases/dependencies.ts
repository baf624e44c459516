import type { IdentityStore } from '../data/identity-store.ts';
import type { LoginThrottle } from '../data/login-throttle.ts';
import type { RevocationList } from '../data/revocation-list.ts';
import type { KeyRing } from '../security/key-ring.ts';
import type { PasswordHasher } from '../security/password-hasher.ts';

/** How tokens are minted: from config, checked at boot. */
export interface TokenSettings {
  readonly issuer: string;
  readonly audience: string;
  /** At most 900 (packages/auth refuses longer). */
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  /** Absolute life of a sign-in session, however often it is refreshed. */
  readonly sessionMaxAgeSeconds: number;
}

/** Everything a use case may need, wired once by hand in app.ts. */
export interface UseCaseDependencies {
  readonly store: IdentityStore;
  readonly hasher: PasswordHasher;
  readonly keyRing: KeyRing;
  readonly revocations: RevocationList;
  readonly throttle: LoginThrottle;
  readonly tokens: TokenSettings;
  readonly now: () => Date;
}
