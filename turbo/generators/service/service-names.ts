/** Every spelling of a new service's name that its files use, derived once from the kebab name. */
export interface ServiceNames {
  /** Kebab-case plural, the folder, package, path and database suffix: `payments`. */
  readonly kebab: string;
  /** The resource's singular kebab name: `payment`. */
  readonly singularKebab: string;
  /** `Payment`: the model and type name. */
  readonly pascal: string;
  /** `payment`: variables for one record. */
  readonly camel: string;
  /** `payments`: variables for the service and the collection. */
  readonly pluralCamel: string;
  /** `PaymentsConfig`, `buildApp` deps and the like. */
  readonly pluralPascal: string;
  /** `PAYMENTS`: the error code prefix and the gateway's `PAYMENTS_URL`. */
  readonly constant: string;
  /** `payments`: the table and the database suffix (`groundwork_payments`). */
  readonly snake: string;
  readonly port: number;
}

const KEBAB = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Names that would collide with what the repository already has or reserves. */
const RESERVED = new Set(['gateway', 'identity', 'orders', 'worker', 'testing', 'config', 'db']);

/** Why `name` cannot be a new service's name, or undefined when it can. */
export function serviceNameProblem(
  name: string,
  existingApps: readonly string[],
): string | undefined {
  if (!KEBAB.test(name)) return `"${name}" is not a kebab-case name like payments or stock-levels`;
  if (name.length > 40) return `"${name}" is longer than 40 characters`;
  if (existingApps.includes(name) || RESERVED.has(name))
    return `apps/${name} exists or is reserved`;
  return undefined;
}

/**
 * Derives the spellings. The resource is the service's name made singular by dropping one
 * trailing `s` (`payments` → `payment`); a name without one (`billing`) is its own singular, and
 * then the code says `billingRecord` where it needs to tell one from many.
 */
export function serviceNames(kebab: string, port: number): ServiceNames {
  const plural = kebab.endsWith('s') && !kebab.endsWith('ss') && kebab.length > 3;
  const singularKebab = plural ? kebab.slice(0, -1) : `${kebab}-record`;
  const words = (value: string) => value.split('-');
  const pascalOf = (value: string) =>
    words(value)
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('');
  const camelOf = (value: string) => {
    const pascal = pascalOf(value);
    return pascal.charAt(0).toLowerCase() + pascal.slice(1);
  };
  return {
    kebab,
    singularKebab,
    pascal: pascalOf(singularKebab),
    camel: camelOf(singularKebab),
    pluralCamel: camelOf(kebab),
    pluralPascal: pascalOf(kebab),
    constant: words(kebab).join('_').toUpperCase(),
    snake: words(kebab).join('_'),
    port,
  };
}

/** The first port after every `serviceEnv({ port: N })` the apps' config files declare. */
export function nextFreePort(configSources: readonly string[]): number {
  let highest = 3000;
  for (const source of configSources) {
    for (const match of source.matchAll(/serviceEnv\(\{\s*port:\s*(\d+)\s*\}\)/g)) {
      highest = Math.max(highest, Number(match[1]));
    }
  }
  return highest + 1;
}
