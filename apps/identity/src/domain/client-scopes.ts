/** RFC 6749 §3.3: a scope is one or more space-delimited tokens of printable ASCII without `"` or `\`. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

export type ScopeGrant = { readonly granted: readonly string[] } | { readonly invalid: string };

/**
 * The scopes a client_credentials request receives: all of the client's when it asks for none
 * (RFC 6749 §3.3 lets the server pick a default), else exactly those it asked for, each of which
 * it must be allowed. Asking for more is refused (`invalid_scope`), never silently narrowed, so
 * a misconfigured client fails loudly.
 */
export function grantScopes(requested: string | undefined, allowed: readonly string[]): ScopeGrant {
  if (requested === undefined || requested.trim() === '') return { granted: [...allowed] };
  const asked = [...new Set(requested.split(' ').filter((scope) => scope !== ''))];
  const malformed = asked.find((scope) => !SCOPE_TOKEN.test(scope));
  if (malformed !== undefined) return { invalid: 'The scope is malformed.' };
  const missing = asked.filter((scope) => !allowed.includes(scope));
  if (missing.length > 0) return { invalid: `Not granted to this client: ${missing.join(' ')}.` };
  return { granted: asked };
}
