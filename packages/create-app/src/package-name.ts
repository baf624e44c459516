import { builtinModules } from 'node:module';

const RESERVED = new Set(['node_modules', 'favicon.ico', ...builtinModules]);

/**
 * Why `name` cannot be a new npm package name, or undefined when it can. These are npm's rules for
 * new packages (validate-npm-package-name); kept here because its current major requires a newer
 * Node 22 than the `>=22.12` this CLI supports.
 *
 * @example
 * packageNameProblem('my-api'); // undefined
 * packageNameProblem('My API'); // 'must be lowercase'
 */
export function packageNameProblem(name: string): string | undefined {
  if (name === '') return 'must not be empty';
  if (name.length > 214) return 'must be at most 214 characters';
  if (name.trim() !== name) return 'must not start or end with spaces';
  if (name.startsWith('.') || name.startsWith('_')) return 'must not start with . or _';
  if (name.toLowerCase() !== name) return 'must be lowercase';
  if (/[~'!()*]/.test(name)) return "must not contain any of ~'!()*";
  if (RESERVED.has(name)) return 'is reserved (a Node.js core module or npm name)';
  const scoped = /^@([^/]+)\/([^/]+)$/.exec(name);
  const parts = scoped ? [scoped[1] ?? '', scoped[2] ?? ''] : [name];
  if (!scoped && name.includes('/')) return 'may contain "/" only as @scope/name';
  if (parts.some((part) => part === '' || encodeURIComponent(part) !== part)) {
    return 'may contain only URL-safe characters (a-z, 0-9, -, ., _)';
  }
  return undefined;
}
