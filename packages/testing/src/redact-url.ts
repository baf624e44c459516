const MASK = '***';

/**
 * A connection URL safe to print: the password (in the userinfo or a `password` query parameter)
 * becomes `***`. Unparsable input is never echoed, since it may still hold a secret.
 *
 * @example
 * ```ts
 * redactUrl('postgresql://app:s3cret@db:5432/app'); // 'postgresql://app:***@db:5432/app'
 * ```
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '<unparsable URL>';
  }
  if (parsed.password !== '') parsed.password = MASK;
  if (parsed.searchParams.has('password')) parsed.searchParams.set('password', MASK);
  return parsed.toString();
}

/**
 * Removes the URL's password from free text. Driver errors do not normally quote it, but a reason
 * that reaches a CI log must not depend on that.
 */
export function scrubPassword(text: string, url: string): string {
  let password: string;
  try {
    const parsed = new URL(url);
    password = decodeURIComponent(parsed.password) || (parsed.searchParams.get('password') ?? '');
  } catch {
    return text;
  }
  return password === '' ? text : text.replaceAll(password, MASK);
}
