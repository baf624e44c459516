/**
 * The JSON-RPC 2.0 server the Prisma CLI talks to over stdio (one JSON message per line), with
 * every method answered by the wasm schema engine.
 */
import { readFileSync } from 'node:fs';
import readline from 'node:readline';
import { withMaintenanceClient } from './cli-commands.js';
import { createMigrationAdapterFactory } from './migration-adapter.js';
import { describePostgresUrl, isPostgresUrl, quoteIdent } from './postgres-url.js';
import { logDebug, logInfo } from './tracing-log.js';
import { callWithTrapRetry } from './trap-retry.js';
import {
  instantiateFreshSchemaEngineWasm,
  lastPanicMessage,
  loadSchemaEngineWasm,
} from './wasm-engine.js';

/** Engine methods that pass straight through. */
const ENGINE_METHODS = [
  'applyMigrations',
  'devDiagnostic',
  'diagnoseMigrationHistory',
  'ensureConnectionValidity',
  'introspect',
  'introspectSql',
  'markMigrationApplied',
  'markMigrationRolledBack',
  'schemaPush',
];

const ERROR_CODE = 4466; // what the native engine answers for every user-facing error
const COLD_CACHE = /shadow DB must be provided through an external factory/;

/**
 * @typedef {{ jsonrpc: '2.0', id?: number | string | null, method?: string, params?: any,
 *             result?: unknown, error?: unknown }} RpcMessage
 * @typedef {import('@prisma/schema-engine-wasm').SchemaEngine} WasmSchemaEngine
 */

/**
 * @param {import('./cli-args.js').EngineArgs} args
 * @returns {Promise<void>} resolves when stdin closes and everything is released
 */
export async function serveJsonRpc({ datamodels, datasource }) {
  // stdout carries JSON-RPC only: anything a dependency logs goes to stderr.
  console.log =
    console.info =
    console.debug =
      (...parts) => {
        process.stderr.write(`${parts.join(' ')}\n`);
      };

  const { version, wasmFile } = loadSchemaEngineWasm();
  let { SchemaEngine } = loadSchemaEngineWasm();
  logInfo('Starting schema engine RPC server', { git_hash: version, wasm: wasmFile });

  /** @param {RpcMessage} message */
  const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

  /** Requests we send to the CLI (only `print`), by id. */
  const pendingRequests = new Map();
  let nextRequestId = 0;
  /**
   * @param {string} method
   * @param {unknown} params
   */
  const requestFromCli = (method, params) =>
    new Promise((resolve, reject) => {
      const id = nextRequestId++;
      pendingRequests.set(id, { resolve, reject });
      send({ jsonrpc: '2.0', id, method, params });
    });

  /** @type {WasmSchemaEngine | undefined} */
  let engine;
  /** @type {ReturnType<typeof createMigrationAdapterFactory> | undefined} */
  let adapters;
  const getEngine = async () => {
    if (engine) return engine;
    const url = datasource.url;
    if (!url) {
      throw Object.assign(
        new Error(
          'The datasource.url property is required in your Prisma config file when using this command. ' +
            '(The wasm schema engine needs a live PostgreSQL connection for every command, even schema-to-schema diffs.)',
        ),
        { code: 'P1012' },
      );
    }
    if (!isPostgresUrl(url))
      throw new Error('This schema engine supports postgresql:// URLs only.');
    adapters = createMigrationAdapterFactory({ ...datasource, url });
    const schemaFiles = datamodels.length
      ? datamodels.map(
          (file) => /** @type {[string, string]} */ ([file, readFileSync(file, 'utf8')]),
        )
      : undefined;
    /** @param {unknown} text */
    const forwardLog = (text) => {
      for (const line of String(text).split('\n'))
        if (line.trim()) process.stderr.write(`${line}\n`);
    };
    engine = await SchemaEngine.new({ datamodels: schemaFiles }, forwardLog, adapters.factory);
    return engine;
  };

  /**
   * After a trap: the trapped engine is dropped, not freed (its instance is dead), its adapters'
   * pools are closed (dropping any shadow database they created), and the next getEngine() builds
   * a new engine on a fresh wasm instance.
   */
  const restartEngine = async () => {
    const stale = adapters;
    engine = undefined;
    adapters = undefined;
    await stale?.disposeAll().catch(() => undefined);
    ({ SchemaEngine } = await instantiateFreshSchemaEngineWasm());
  };

  /**
   * One engine call, repeated on a fresh instance if it traps and the method is safe to repeat
   * (see trap-retry.js).
   * @template T
   * @param {string} method
   * @param {(running: WasmSchemaEngine) => Promise<T>} call
   * @returns {Promise<T>}
   */
  const runEngine = (method, call) =>
    callWithTrapRetry(method, async () => call(await getEngine()), restartEngine);

  /** @type {Record<string, (params: any) => Promise<unknown>>} */
  const handlers = {
    async createDatabase(params) {
      const url = params?.datasource?.url ?? datasource.url;
      const { database } = describePostgresUrl(url);
      await withMaintenanceClient(url, (c) => c.query(`CREATE DATABASE ${quoteIdent(database)}`));
      return { databaseName: database };
    },
    getDatabaseVersion: (params) =>
      runEngine('getDatabaseVersion', (running) => running.version(params ?? null)),
    version: (params) => runEngine('version', (running) => running.version(params ?? null)),
    debugPanic: async () => (await getEngine()).debugPanic(),
    // The native engine prints a diff through a `print` request to the CLI and returns
    // `stdout: null`; the CLI's `--output` and `--exit-code` handling rely on that.
    async diff(params) {
      const { exitCode, stdout } = await runEngine('diff', (running) => running.diff(params));
      if (stdout) await requestFromCli('print', { content: stdout.replace(/\n$/, '') });
      return { exitCode, stdout: null };
    },
    async reset(params) {
      await (await getEngine()).reset(params);
      return {};
    },
    async dbExecute(params) {
      await (await getEngine()).dbExecute(params);
      return {};
    },
    // The wasm build gives createMigration and evaluateDataLoss no adapter factory: they can only
    // read the "schema from migrations" from the engine's in-process cache, and fail on a cold
    // cache. diagnoseMigrationHistory gets the factory (a shadow database) and warms the cache.
    createMigration: (params) => withWarmMigrationCache('createMigration', params),
    evaluateDataLoss: (params) => withWarmMigrationCache('evaluateDataLoss', params),
  };
  for (const method of ENGINE_METHODS) {
    handlers[method] = (params) =>
      runEngine(method, async (running) => {
        const methods = /** @type {Record<string, (p: unknown) => Promise<unknown>>} */ (
          /** @type {unknown} */ (running)
        );
        // Called as a method: wasm-bindgen needs `this`.
        return (await methods[method]?.(params)) ?? {};
      });
  }

  /**
   * @param {'createMigration' | 'evaluateDataLoss'} method
   * @param {any} params
   */
  function withWarmMigrationCache(method, params) {
    return runEngine(method, async (running) => {
      try {
        return await running[method](params);
      } catch (error) {
        if (!COLD_CACHE.test(String(/** @type {Error} */ (error)?.message))) throw error;
        logDebug(`${method}: cold migration cache, warming it with diagnoseMigrationHistory`);
        await running.diagnoseMigrationHistory({
          migrationsList: params.migrationsList,
          optInToShadowDatabase: true,
          filters: params.filters ?? { externalTables: [], externalEnums: [] },
        });
        return running[method](params);
      }
    });
  }

  // The engine's methods take `&mut self`: one call at a time, in arrival order.
  let queue = Promise.resolve();
  /** @param {RpcMessage} message */
  const handleRequest = (message) => {
    queue = queue.then(async () => {
      const { id, method = '', params } = message;
      logDebug('<- rpc', method, params);
      const handler = handlers[method];
      if (!handler) {
        send({ jsonrpc: '2.0', id, error: { code: -32601, message: 'Method not found' } });
        return;
      }
      try {
        const result = (await handler(params)) ?? null;
        logDebug('-> rpc result', method, result);
        send({ jsonrpc: '2.0', id, result });
      } catch (error) {
        logDebug('-> rpc error', method, String(/** @type {Error} */ (error)?.stack ?? error));
        send({ jsonrpc: '2.0', id, error: toRpcError(error, adapters?.factory.errorRegistry) });
      }
    });
  };

  const release = async () => {
    await adapters?.disposeAll().catch(() => undefined);
    engine?.free();
  };
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.once(signal, () => {
      release().finally(() => process.exit(130));
    });
  }

  const lines = readline.createInterface({
    input: process.stdin,
    crlfDelay: Number.POSITIVE_INFINITY,
  });
  lines.on('line', (line) => {
    if (!line.trim()) return;
    /** @type {RpcMessage} */
    let message;
    try {
      message = JSON.parse(line);
    } catch {
      send({ jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
      return;
    }
    if (message.method) {
      handleRequest(message);
      return;
    }
    const pending = pendingRequests.get(message.id);
    if (pending) {
      pendingRequests.delete(message.id);
      if (message.error) pending.reject(message.error);
      else pending.resolve(message.result);
    }
  });
  await new Promise((resolve) => lines.once('close', () => resolve(undefined)));
  await queue.catch(() => undefined);
  await release();
}

/**
 * The error shape the CLI expects. Errors thrown by our adapter code reach us from the wasm side
 * as "External error id#N"; the original error waits in the adapter factory's registry.
 * @param {unknown} thrown
 * @param {{ consumeError(id: number): { error: unknown } | undefined } | undefined} registry
 */
export function toRpcError(thrown, registry) {
  let error = /** @type {any} */ (thrown);
  const externalId = /External error id#(\d+)/.exec(String(error?.message))?.[1];
  if (externalId && registry) error = registry.consumeError(Number(externalId))?.error ?? error;

  const message = 'An error happened. Check the data field for details.';
  if (error instanceof WebAssembly.RuntimeError || error?.name === 'RuntimeError') {
    const panic = lastPanicMessage() || String(error);
    return {
      code: ERROR_CODE,
      message,
      data: { is_panic: true, message: panic, backtrace: error?.stack, error: { message: panic } },
    };
  }
  /** @type {Record<string, unknown>} */
  const data = {
    is_panic: false,
    message: error?.message ?? String(error),
    meta: error?.meta ?? null,
  };
  if (typeof error?.code === 'string' && /^P\d{4}$/.test(error.code)) data.error_code = error.code;
  return { code: ERROR_CODE, message, data };
}
