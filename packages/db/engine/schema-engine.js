#!/usr/bin/env node
/**
 * A stand-in for Prisma's native `schema-engine` binary, for PostgreSQL: same command line, same
 * JSON-RPC over stdio, same log format, with the work done by Prisma's own schema engine compiled
 * to WebAssembly. Nothing is downloaded at run time. Why and how: docs/adr/0002.
 *
 *   PRISMA_SCHEMA_ENGINE_BINARY=<this file> prisma migrate dev
 *
 * (`@groundwork/db/prisma-config` sets that variable for every service's prisma.config.ts.)
 *
 * Environment:
 *   GROUNDWORK_SCHEMA_ENGINE_WASM   `package`, or a path: which wasm to run (see wasm-engine.js)
 *   GROUNDWORK_SCHEMA_ENGINE_DEBUG  1: trace RPC calls and SQL on stderr; the CLI shows the
 *                                   engine's stderr with DEBUG=prisma:schemaEngine:stderr
 */
import { parseEngineArgs } from './cli-args.js';
import { runCliCommand } from './cli-commands.js';
import { serveJsonRpc } from './rpc-server.js';
import { logError } from './tracing-log.js';
import { claimStrayTrap } from './trap-retry.js';
import { loadSchemaEngineWasm } from './wasm-engine.js';

/** The CLI treats exit code 101 as a panic and shows the last ERROR line. */
const PANIC_EXIT_CODE = 101;

/** @param {unknown} error */
function panic(error) {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  logError({ message, isPanic: true });
  process.exit(PANIC_EXIT_CODE);
}

/**
 * A wasm trap thrown from a callback belongs to the RPC in progress, which retries or reports it
 * (trap-retry.js); anything else ends the process as a panic.
 * @param {unknown} error
 */
function onStrayError(error) {
  if (!claimStrayTrap(error)) panic(error);
}

process.on('unhandledRejection', onStrayError);
process.on('uncaughtException', onStrayError);

async function main() {
  const args = parseEngineArgs(process.argv.slice(2));
  if (args.version) {
    process.stdout.write(`schema-engine-cli ${loadSchemaEngineWasm().version}\n`);
    return 0;
  }
  if (args.help) {
    process.stdout.write(
      'schema-engine (wasm, PostgreSQL). See docs/adr/0002-prisma-offline-schema-engine.md\n',
    );
    return 0;
  }
  if (args.cliCommand !== undefined) return runCliCommand(args.cliCommand, args.datasource);
  await serveJsonRpc(args);
  return 0;
}

main().then((code) => process.exit(code), panic);
