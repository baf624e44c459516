export { env } from './env.ts';
export { ConfigError, loadConfig } from './load-config.ts';
export { type TlsTransport, tlsProblem } from './require-tls.ts';
