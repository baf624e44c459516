export { authErrors, INVALID_TOKEN_DETAIL } from './auth-errors.ts';
export {
  type BearerChallenge,
  bearerChallenge,
  bearerTokenOf,
  challengeRefusedToken,
  refuseMissingToken,
} from './bearer-token.ts';
export {
  openPrivateKey,
  parseKeyEncryptionKey,
  sealPrivateKey,
} from './key-encryption.ts';
export {
  createLocalKeyResolver,
  createRemoteKeyResolver,
  type KeyResolver,
  KeySetUnavailable,
  type RemoteKeyResolverOptions,
} from './key-resolvers.ts';
export {
  activeKeyOf,
  DEFAULT_ROTATION_POLICY,
  isRotationDue,
  type KeyState,
  publishedJwks,
  type RotationPolicy,
  retiredKeysToDelete,
  rotateKeys,
  type SigningKeyRecord,
} from './key-rotation.ts';
export {
  allOf,
  allowedTo,
  anyOf,
  assertAllowed,
  can,
  ownerOnly,
  PERMISSIONS,
  type Permission,
  type Policy,
  ROLE_PERMISSIONS,
  sameTenant,
} from './policies.ts';
export { isRole, type Principal, ROLES, type Role } from './principal.ts';
export {
  REVOKED_TOKEN_KEY_PREFIX,
  type RevocationCheck,
  type RevocationCheckOptions,
  type RevocationStore,
  redisRevocationCheck,
  refuseIfRevoked,
  revokedTokenKey,
} from './revocation.ts';
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenSubject,
  DEFAULT_AUDIENCE,
  type IssuedAccessToken,
  MAX_ACCESS_TOKEN_TTL_SECONDS,
  type SignAccessTokenOptions,
  signAccessToken,
} from './sign-access-token.ts';
export {
  type GeneratedSigningKey,
  generateSigningKey,
  importSigningKey,
  type PublicSigningJwk,
  publicJwkOf,
  SIGNING_ALGORITHM,
  type SigningKey,
} from './signing-keys.ts';
export {
  currentPrincipal,
  currentTenant,
  runWithTenant,
  type TenantContext,
} from './tenant-context.ts';
export { type RefusalReason, refusalOf, TokenRefusal } from './token-refusal.ts';
export {
  createVerifiedTokenCache,
  type VerifiedTokenCache,
  type VerifiedTokenCacheOptions,
} from './verified-token-cache.ts';
export {
  checkVerifyOptions,
  type VerifyAccessTokenOptions,
  verifyAccessToken,
} from './verify-access-token.ts';
