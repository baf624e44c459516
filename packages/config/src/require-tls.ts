/**
 * What a connection string must say for its traffic to be encrypted and the server verified:
 * `sslmode=verify-full` for PostgreSQL (node-postgres then checks the certificate chain and the
 * host name; `require` and `verify-ca` do not both), the `rediss://` scheme for Redis.
 */
export type TlsTransport = 'postgres' | 'redis';

/** The schema keyword that marks a URL variable as one `REQUIRE_TLS` checks. */
export const TLS_TRANSPORT = 'x-tls-transport';

/**
 * Why `url` does not ask for verified TLS, or nothing when it does. Never echoes the URL: it may
 * hold a password.
 */
export function tlsProblem(transport: TlsTransport, url: string): string | undefined {
  if (transport === 'redis') {
    return url.startsWith('rediss://')
      ? undefined
      : 'REQUIRE_TLS is on: use a rediss:// URL (TLS to Redis)';
  }
  let sslmode: string | null;
  try {
    sslmode = new URL(url).searchParams.get('sslmode');
  } catch {
    return 'REQUIRE_TLS is on: not a URL that can carry ?sslmode=verify-full';
  }
  return sslmode === 'verify-full'
    ? undefined
    : `REQUIRE_TLS is on: add ?sslmode=verify-full to the URL (got ${sslmode === null ? 'no sslmode' : `sslmode=${sslmode}`}), so the server's certificate and name are verified`;
}
