#!/usr/bin/env node
/**
 * Upgrade check (docs/adr/0002): does the pinned `@prisma/schema-engine-wasm` glue drive the wasm
 * that the installed `prisma` ships? Prints the verdict for both candidate wasm files and exits 1
 * when the CLI's own wasm does not match, i.e. when the pins no longer move together.
 *
 *   npm run engine:check-wasm -w @groundwork/db
 */
import { readFileSync } from 'node:fs';
import { findAbiMismatches, findCliWasmFile, PACKAGE_WASM_FILE } from './wasm-engine.js';

const cliWasm = findCliWasmFile();
let cliMatches = false;
for (const [label, file] of [
  ['prisma CLI wasm', cliWasm],
  ['@prisma/schema-engine-wasm wasm', PACKAGE_WASM_FILE],
]) {
  if (!file) {
    process.stdout.write(`${label}: not found\n`);
    continue;
  }
  const mismatches = findAbiMismatches(new WebAssembly.Module(readFileSync(file)));
  if (file === cliWasm) cliMatches = mismatches.length === 0;
  process.stdout.write(
    mismatches.length === 0
      ? `${label}: matches the glue (${file})\n`
      : `${label}: ${mismatches.length} mismatch(es) (${file})\n  ${mismatches.join('\n  ')}\n`,
  );
}
process.exit(cliMatches ? 0 : 1);
