import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, test } from 'vitest';
import {
  candidateWasmFiles,
  findAbiMismatches,
  findCliWasmFile,
  loadSchemaEngineWasm,
  PACKAGE_WASM_FILE,
} from './wasm-engine.js';

const moduleOf = (file: string) => new WebAssembly.Module(readFileSync(file));

describe('wasm engine pins', () => {
  test('when the pinned glue meets the wasm inside the installed prisma, then their import and export sets match', () => {
    const cliWasm = findCliWasmFile();

    expect(cliWasm).toMatch(/prisma[/\\]build[/\\]schema_engine_bg\.wasm$/);
    expect(findAbiMismatches(moduleOf(cliWasm ?? ''))).toEqual([]);
  });

  test('when the engine loads, then it runs the CLI wasm and reports the engines hash the CLI was built with', () => {
    // prisma -> @prisma/engines -> @prisma/engines-version holds the hash of the CLI's engines.
    const fromPrisma = createRequire(createRequire(import.meta.url).resolve('prisma/package.json'));
    const fromEngines = createRequire(fromPrisma.resolve('@prisma/engines/package.json'));
    const { enginesVersion } = fromEngines('@prisma/engines-version') as { enginesVersion: string };

    const loaded = loadSchemaEngineWasm();

    expect(loaded.wasmFile).toBe(findCliWasmFile());
    expect(loaded.version).toBe(enginesVersion);
  });

  test('when GROUNDWORK_SCHEMA_ENGINE_WASM is "package", then only the npm package wasm is tried', () => {
    expect(candidateWasmFiles('package')).toEqual([PACKAGE_WASM_FILE]);
  });

  test('when no override is set, then the CLI wasm comes first and the package wasm is the fallback', () => {
    expect(candidateWasmFiles(undefined)).toEqual([findCliWasmFile(), PACKAGE_WASM_FILE]);
  });
});
