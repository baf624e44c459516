/**
 * A positive integer setting from the environment, `fallback` when unset.
 *
 * @throws {Error} naming the variable when it is set to anything else.
 * @example
 * const ROUNDS = positiveIntegerEnv('BENCH_ROUNDS', 3);
 */
export function positiveIntegerEnv(
  name: string,
  fallback: number,
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const value = Number(env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer`);
  return value;
}
