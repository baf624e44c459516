/**
 * The version of the API the gateway publishes: `info.version` of the merged `/openapi.json`
 * and of the committed `docs/api/openapi.json`. Semver: bump the minor for an addition, the
 * major for a breaking change; `npm run api:check` refuses a breaking change without a major bump
 * (see CONTRIBUTING.md, "Changing the API"). The major follows the newest URI major (`/v1`).
 */
export const API_VERSION = '1.0.0';
