/** The organization roles, from most to least powerful. */
export const ROLES = ['owner', 'admin', 'member', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

/**
 * Who is calling, as proven by a verified access token. Nothing here comes from anywhere else:
 * code that needs the caller's organization reads `org`, never a header or a path parameter.
 */
export interface Principal {
  /** The user id, or the client id of a service (client_credentials). */
  readonly sub: string;
  /** The organization (tenant) the token acts for; null for a token bound to no organization. */
  readonly org: string | null;
  /** The caller's roles in `org`. */
  readonly roles: readonly Role[];
  /** OAuth scopes: for service tokens, the permissions the client was granted. */
  readonly scope: readonly string[];
  /** Token id, the key for revocation. */
  readonly jti: string;
  /** Expiry, in seconds since the epoch. */
  readonly exp: number;
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
