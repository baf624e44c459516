/**
 * What happens to an RPC when Prisma's wasm engine traps (`RuntimeError: unreachable`, a Rust
 * panic compiled to a wasm trap).
 *
 * Without this, a trap thrown from a callback ended the process, and the CLI, seeing the engine
 * exit, sometimes reported success: `prisma migrate diff --exit-code` exited 0 without a diff
 * (45 of 50 runs on apps/orders while the engine panicked on every CHECK constraint, fixed in
 * migration-adapter.js). Now a trap fails the RPC in progress, so the CLI reports it, and the
 * trapped instance is discarded: its linear memory and wasm-bindgen borrow state are whatever the
 * panic left. Methods safe to run twice are retried once on a fresh instance.
 */
import { logInfo } from './tracing-log.js';

/**
 * Methods that only read the database (or a shadow database the engine creates and drops itself),
 * so a trap halfway through leaves nothing behind that a second run would trip over.
 *
 * Never retried: `applyMigrations`, `markMigrationApplied`, `markMigrationRolledBack`,
 * `schemaPush`, `reset` and `dbExecute` write to the database, and a trap may come after some of
 * their statements ran (a repeat would apply a migration twice or hide a half-done push);
 * `createMigration` is left to fail so a user never gets a migration produced by a second engine
 * after the first one died mid-way; `debugPanic` panics on purpose.
 */
export const RETRY_ON_TRAP = new Set([
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'diff',
  'ensureConnectionValidity',
  'evaluateDataLoss',
  'getDatabaseVersion',
  'introspect',
  'introspectSql',
  'version',
]);

/**
 * Fresh instances to try after a trap. One: a panic that comes back on a fresh instance is
 * deterministic (a bug to fix, not to retry), and is reported as is.
 */
export const MAX_TRAP_RETRIES = 1;

/**
 * A WebAssembly trap (not an error the engine returns on purpose).
 * @param {unknown} error
 */
export function isWasmTrap(error) {
  return (
    error instanceof WebAssembly.RuntimeError ||
    /** @type {{ name?: unknown }} */ (error)?.name === 'RuntimeError'
  );
}

/**
 * The trap usually does not reject the call's promise: the engine's Rust futures are polled from
 * JS callbacks (a driver adapter query resolving), so the trap is thrown from that callback and
 * reaches `process.on('uncaughtException')`, while the call's promise never settles. The process
 * handler hands such traps to claimStrayTrap(), which fails the attempt in flight.
 * @type {((error: unknown) => void) | undefined}
 */
let strayTrapSink;

/**
 * For the process's uncaughtException/unhandledRejection handler: true when `error` is a wasm
 * trap that an engine call in progress takes over (the handler then must not end the process).
 * @param {unknown} error
 */
export function claimStrayTrap(error) {
  if (!isWasmTrap(error) || !strayTrapSink) return false;
  strayTrapSink(error);
  return true;
}

/**
 * Runs `call`; when it traps, awaits `restart()` (which discards the trapped instance, so the next
 * RPC gets a working engine) and, if `method` is in RETRY_ON_TRAP, runs `call` again, at most
 * MAX_TRAP_RETRIES times. Each retry is logged to stderr in the engine's tracing format. Methods
 * not safe to repeat get the trap back as their error.
 * @template T
 * @param {string} method the RPC method name
 * @param {() => Promise<T>} call one attempt, on whatever engine instance is current
 * @param {() => Promise<void>} restart discards the trapped instance
 * @returns {Promise<T>}
 */
export async function callWithTrapRetry(method, call, restart) {
  for (let attempt = 1; ; attempt += 1) {
    /** @type {PromiseWithResolvers<never>} */
    const trapped = Promise.withResolvers();
    strayTrapSink = trapped.reject;
    try {
      return await Promise.race([call(), trapped.promise]);
    } catch (error) {
      if (!isWasmTrap(error)) throw error;
      // Traps the dead instance still throws while it is torn down are absorbed here.
      strayTrapSink = () => undefined;
      await restart();
      if (!RETRY_ON_TRAP.has(method) || attempt > MAX_TRAP_RETRIES) throw error;
      logInfo('wasm engine trapped; retrying on a fresh instance', {
        method,
        attempt: attempt + 1,
        error: String(/** @type {Error} */ (error)?.message ?? error),
      });
    } finally {
      strayTrapSink = undefined;
    }
  }
}
