import type { PlopTypes } from '@turbo/gen';
import { generateService } from './service/generate-service.ts';
import { serviceNameProblem } from './service/service-names.ts';

/**
 * `npx turbo gen service <name>`: adds a domain service wired like orders (see
 * service/generate-service.ts). `--args payments` answers the one question non-interactively.
 */
export default function generator(plop: PlopTypes.NodePlopAPI): void {
  plop.setGenerator('service', {
    description:
      'A new domain service: workspace, Prisma schema and migration, tests, gateway route, compose and k8s',
    prompts: [
      {
        type: 'input',
        name: 'name',
        message: 'Service name (kebab-case, plural: payments)',
        validate: (input: string) => serviceNameProblem(input, []) ?? true,
      },
    ],
    actions: [
      async (answers) => {
        const root = plop.getDestBasePath();
        const { created, edited, skipped } = await generateService(root, String(answers.name));
        const todo = skipped.length > 0 ? `; by hand: ${skipped.join('; ')}` : '';
        return `created ${created.length} files, wired ${edited.join(', ')}${todo}; next: npm install, then npm run api:check -- --write (adds /v1/${answers.name} to docs/api/openapi.json)`;
      },
    ],
  });
}
