/** The project name in each spelling the template uses for "groundwork". */
export interface ProjectNaming {
  /** npm scope without the `@`: `acme`. */
  scope: string;
  /** The name as given, for package names, prose, images and hosts: `my-api`. */
  kebab: string;
  /** For identifiers that join with `_`, such as database names: `my_api`. */
  snake: string;
  /** For camelCase identifiers: `myApi`. */
  camel: string;
  /** For PascalCase identifiers: `MyApi`. */
  pascal: string;
  /** For environment variables: `MY_API`. */
  screaming: string;
  /**
   * Replaces the template's short prefix `gw` of test databases, templates and roles: the snake
   * name cut to 12 characters, so `<prefix>_tpl_<30>_<12 hex>` stays under Postgres' 63 bytes.
   */
  short: string;
}

/**
 * Derives every spelling from one valid, unscoped npm name; words split on `-`, `.` and `_`.
 *
 * @example
 * projectNaming('my-api', 'acme').snake; // 'my_api'
 */
export function projectNaming(name: string, scope: string): ProjectNaming {
  const words = name.split(/[-._]+/).filter((word) => word !== '');
  const capitalised = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1));
  return {
    scope,
    kebab: name,
    snake: words.join('_'),
    camel: (words[0] ?? '') + capitalised.slice(1).join(''),
    pascal: capitalised.join(''),
    screaming: words.join('_').toUpperCase(),
    short: words.join('_').slice(0, 12).replace(/_+$/, ''),
  };
}
