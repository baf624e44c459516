/** The example services a project may drop. The gateway is the public edge: it always stays. */
export const OPTIONAL_SERVICES = ['identity', 'orders', 'worker'] as const;

export type OptionalService = (typeof OPTIONAL_SERVICES)[number];

export function isOptionalService(name: string): name is OptionalService {
  return (OPTIONAL_SERVICES as readonly string[]).includes(name);
}

/**
 * The CLI's own workspace: packed templates leave it out, and generated lockfiles drop it, since
 * a project made by the CLI does not contain the CLI.
 */
export const CLI_WORKSPACE = { dir: 'packages/create-app', name: 'create-groundwork' } as const;
