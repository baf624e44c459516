/**
 * Entity tags from the row version: every write bumps the version, so the tag changes exactly
 * when the representation does. Strong tags, since one version has one byte-exact JSON body.
 */
export function etagOf(version: number): string {
  return `"${version}"`;
}

/**
 * The version an `If-Match` header asks for: `undefined` when there is no header or it is `*`
 * (any current version). The route schema has already refused other shapes.
 */
export function expectedVersionOf(ifMatch: string | undefined): number | undefined {
  if (ifMatch === undefined || ifMatch === '*') return undefined;
  return Number(ifMatch.slice(1, -1));
}

/**
 * `If-None-Match` matches (the client's copy is current, answer 304) when it is `*` or lists
 * this version's tag; the comparison is weak (RFC 9110 §13.1.2), so `W/"3"` matches `"3"`.
 */
export function isNotModified(ifNoneMatch: string | undefined, version: number): boolean {
  if (ifNoneMatch === undefined) return false;
  if (ifNoneMatch.trim() === '*') return true;
  const current = etagOf(version);
  return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === current);
}
