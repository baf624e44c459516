import { describePostgresUrl } from './postgres-url.js';

/**
 * Maps a `pg` error to the Prisma error code and wording the native engine uses, so the CLI
 * shows the message users know (and that Prisma's docs explain) instead of a driver error.
 *
 * @param {unknown} error
 * @param {string | undefined} url
 * @returns {{ errorCode: string, message: string }}
 */
export function toUserFacingError(error, url) {
  const code = /** @type {{ code?: unknown }} */ (error)?.code;
  const { host, port, database, user } = url
    ? describePostgresUrl(url)
    : { host: '?', port: '?', database: '?', user: '?' };
  const server = `\`${host}:${port}\``;
  switch (code) {
    case '3D000':
      return {
        errorCode: 'P1003',
        message: `Database \`${database}\` does not exist on the database server at ${server}.`,
      };
    case '28P01':
    case '28000':
      return {
        errorCode: 'P1000',
        message:
          `Authentication failed against database server, the provided database credentials for \`${user}\` are not valid.\n\n` +
          `Please make sure to provide valid database credentials for the database server at ${server}.`,
      };
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return {
        errorCode: 'P1001',
        message: `Can't reach database server at ${server}\n\nPlease make sure your database server is running at ${server}.`,
      };
    case '42P04':
      return {
        errorCode: 'P1009',
        message: `Database \`${database}\` already exists on the database server at ${server}`,
      };
    default:
      return { errorCode: '', message: error instanceof Error ? error.message : String(error) };
  }
}
