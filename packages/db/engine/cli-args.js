/**
 * The flags the Prisma CLI passes to its `schema-engine` binary (the Rust structopt definition),
 * e.g. `--datamodels prisma/schema.prisma --datasource '{"url":"postgresql://..."}'` for the
 * JSON-RPC server, or `--datasource '{...}' cli create-database` for one-shot commands.
 *
 * @typedef {{ url?: string, shadowDatabaseUrl?: string }} Datasource
 * @typedef {{
 *   version: boolean,
 *   help: boolean,
 *   datamodels: string[],
 *   datasource: Datasource,
 *   cliCommand: string | undefined,
 * }} EngineArgs
 */

/**
 * @param {readonly string[]} argv process.argv without the node binary and script path
 * @returns {EngineArgs}
 */
export function parseEngineArgs(argv) {
  /** @type {EngineArgs} */
  const args = {
    version: false,
    help: false,
    datamodels: [],
    datasource: {},
    cliCommand: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const value = () => argv[++i] ?? '';
    if (arg === '--version' || arg === '-V') args.version = true;
    else if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--datamodels' || arg === '-d') args.datamodels.push(value());
    else if (arg.startsWith('--datamodels='))
      args.datamodels.push(arg.slice('--datamodels='.length));
    else if (arg === '--datasource') args.datasource = JSON.parse(value());
    else if (arg.startsWith('--datasource='))
      args.datasource = JSON.parse(arg.slice('--datasource='.length));
    // Preview features and extension types change nothing for PostgreSQL migrations in the wasm
    // engine (it takes neither); skip their values so they are not read as a subcommand.
    else if (arg === '--enabled-preview-features' || arg === '--extension-types') value();
    else if (arg === 'cli') args.cliCommand = value();
  }
  return args;
}
