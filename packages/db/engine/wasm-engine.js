/**
 * Loads Prisma's schema engine compiled to WebAssembly.
 *
 * Two builds are at hand. The `prisma` package ships the wasm of its exact engines hash in
 * `build/schema_engine_bg.wasm` (the CLI itself does not use it) but no JS glue for it; the pinned
 * `@prisma/schema-engine-wasm` package ships glue plus its own, slightly different, wasm. We prefer
 * the CLI's wasm (same engine as the CLI's version) driven by the package's glue, which works when
 * both expose the same ABI: the wasm-bindgen import and export names carry content hashes, so equal
 * name sets mean the glue and the module were generated from the same bindings.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as glue from '@prisma/schema-engine-wasm/schema_engine_bg';
import { logDebug } from './tracing-log.js';

const GLUE_FILE = fileURLToPath(import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg'));
/** The module wasm-bindgen's glue expects its imports under. */
const GLUE_MODULE_NAME = './schema_engine_bg.js';

/** The wasm that `@prisma/schema-engine-wasm` ships beside its glue. */
export const PACKAGE_WASM_FILE = path.join(path.dirname(GLUE_FILE), 'schema_engine_bg.wasm');

/**
 * The wasm inside the `prisma` package the project uses: resolved from the project directory
 * (the CLI starts us with cwd there) first, then from this package.
 * @returns {string | undefined}
 */
export function findCliWasmFile() {
  for (const from of [process.cwd(), import.meta.dirname]) {
    try {
      const require = createRequire(path.join(from, 'noop.js'));
      const prismaDir = path.dirname(require.resolve('prisma/package.json'));
      return path.join(prismaDir, 'build', 'schema_engine_bg.wasm');
    } catch {
      // not resolvable from here; try the next place
    }
  }
  return undefined;
}

/**
 * Why `module` cannot run under the pinned glue: an import the glue does not provide, or an
 * export the glue calls that the module lacks. Empty when compatible.
 * @param {WebAssembly.Module} module
 * @returns {string[]}
 */
export function findAbiMismatches(module) {
  const provided = /** @type {Record<string, unknown>} */ (glue);
  const missingImports = WebAssembly.Module.imports(module)
    .filter((i) => i.module !== GLUE_MODULE_NAME || typeof provided[i.name] !== 'function')
    .map((i) => `import ${i.module}:${i.name} is not provided by the glue`);
  const exported = new Set(WebAssembly.Module.exports(module).map((e) => e.name));
  const calledByGlue = new Set(
    [...readFileSync(GLUE_FILE, 'utf8').matchAll(/\bwasm\.(\w+)/g)].map((m) => m[1] ?? ''),
  );
  const missingExports = [...calledByGlue]
    .filter((name) => !exported.has(name))
    .map((name) => `export ${name} called by the glue is missing`);
  return [...missingImports, ...missingExports];
}

/**
 * Which wasm files to try, in order. `GROUNDWORK_SCHEMA_ENGINE_WASM` overrides the choice:
 * `package` forces the npm package's wasm, any other value is a path to a wasm file.
 * @param {string | undefined} [choice]
 * @returns {string[]}
 */
export function candidateWasmFiles(choice = process.env.GROUNDWORK_SCHEMA_ENGINE_WASM) {
  if (choice === 'package') return [PACKAGE_WASM_FILE];
  if (choice) return [path.resolve(choice)];
  const cliWasm = findCliWasmFile();
  return cliWasm ? [cliWasm, PACKAGE_WASM_FILE] : [PACKAGE_WASM_FILE];
}

/**
 * @typedef {{ SchemaEngine: typeof glue.SchemaEngine, version: string, wasmFile: string,
 *             module: WebAssembly.Module }} LoadedEngine
 */

/** @type {LoadedEngine | undefined} */
let loaded;

/**
 * Instantiates the first compatible wasm (once per process; the glue holds a single instance).
 * @returns {LoadedEngine}
 */
export function loadSchemaEngineWasm() {
  if (loaded) return loaded;
  installPanicRegistry();
  let lastError;
  for (const wasmFile of candidateWasmFiles()) {
    try {
      const module = new WebAssembly.Module(readFileSync(wasmFile));
      const mismatches = findAbiMismatches(module);
      if (mismatches.length > 0) {
        throw new Error(`${wasmFile} does not match the glue: ${mismatches.join('; ')}`);
      }
      const instance = new WebAssembly.Instance(module, { [GLUE_MODULE_NAME]: glue });
      const exports = /** @type {{ __wbindgen_start(): void }} */ (instance.exports);
      glue.__wbg_set_wasm(exports);
      exports.__wbindgen_start();
      loaded = { SchemaEngine: glue.SchemaEngine, version: glue.version(), wasmFile, module };
      return loaded;
    } catch (error) {
      lastError = error;
      logDebug('cannot use wasm', wasmFile, String(error));
    }
  }
  throw lastError;
}

let freshInstances = 0;

/**
 * A new instance of the loaded wasm, with its own copy of the glue, for when the current one has
 * trapped. The glue keeps per-instance state in module variables (the exports, cached views of
 * the instance's memory, finalizers that free engines), so pointing the shared glue at a new
 * instance would leave those views on the dead instance's memory; a distinct module URL makes
 * Node evaluate a separate glue module.
 * @returns {Promise<LoadedEngine>}
 */
export async function instantiateFreshSchemaEngineWasm() {
  const { module, wasmFile } = loadSchemaEngineWasm();
  freshInstances += 1;
  const freshGlue = /** @type {typeof glue} */ (
    await import(
      `${import.meta.resolve('@prisma/schema-engine-wasm/schema_engine_bg')}?instance=${freshInstances}`
    )
  );
  const instance = new WebAssembly.Instance(module, { [GLUE_MODULE_NAME]: freshGlue });
  const exports = /** @type {{ __wbindgen_start(): void }} */ (instance.exports);
  freshGlue.__wbg_set_wasm(exports);
  exports.__wbindgen_start();
  return { SchemaEngine: freshGlue.SchemaEngine, version: freshGlue.version(), wasmFile, module };
}

/**
 * The glue reports Rust panic messages through this global (the Prisma client installs the same
 * one); without it a panic would surface as "cannot read properties of undefined".
 */
function installPanicRegistry() {
  const registry = /** @type {{ PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }} */ (globalThis);
  registry.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: '',
    get() {
      return this.message;
    },
    set_message(message) {
      this.message = `RuntimeError: ${message}`;
    },
  };
}

/** @typedef {{ message: string, get(): string, set_message(message: string): void }} PanicRegistry */

/** The last Rust panic message, if any. */
export function lastPanicMessage() {
  const registry = /** @type {{ PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry }} */ (globalThis);
  return registry.PRISMA_WASM_PANIC_REGISTRY?.get() ?? '';
}
