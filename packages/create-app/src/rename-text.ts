import type { ProjectNaming } from './project-naming.ts';

/**
 * Text that names the template itself, not the project: the CLI package, the `npm create` command
 * and the `.groundwork/` folder that `upgrade` reads. They survive the rename.
 */
const KEPT = /(create-groundwork|create groundwork|\.groundwork\/)/;

/**
 * Renames the template's scope and project name in one file's text. Every occurrence is renamed,
 * in every file, with one rule per spelling, so names that must agree across files (a database
 * `groundwork_orders` in a default URL, in compose and in k8s; an env var `GROUNDWORK_X`; the
 * `@groundwork/source` export condition) stay in agreement after the rename:
 *
 * - `@groundwork/` becomes `@<scope>/`;
 * - `GROUNDWORK` becomes `naming.screaming` (`MY_API`);
 * - `groundwork` next to `_` becomes `naming.snake` (`my_api_orders`);
 * - `groundwork` followed by a capital becomes `naming.camel` (`myApiTestServices`);
 * - `Groundwork` next to a letter or digit becomes `naming.pascal` (`describeMyApi`);
 * - any other spelling becomes the name as given (`my-api`), prose included;
 * - `gw_` (also `gw\\_` in a LIKE pattern), the short prefix of test databases, templates and roles,
 *   becomes `naming.short` + `_`: a project's test run then never drops or reuses the databases of
 *   another Groundwork-made project's run on the same server.
 *
 * @example
 * renameText("import '@groundwork/errors'; // groundwork_orders", projectNaming('my-api', 'acme'));
 * // "import '@acme/errors'; // my_api_orders"
 */
export function renameText(text: string, naming: ProjectNaming): string {
  // split() with a capture group alternates: renamable text at even indexes, kept text at odd.
  return text
    .split(KEPT)
    .map((part, index) => (index % 2 === 1 ? part : renamePart(part, naming)))
    .join('');
}

function renamePart(text: string, naming: ProjectNaming): string {
  return (
    text
      .replaceAll('@groundwork/', `@${naming.scope}/`)
      // One pass for both names, so a project name that contains either is never renamed twice.
      .replace(/groundwork|\bgw(?=(?:\\)*_)/gi, (match, offset: number, whole: string) =>
        spellingFor(match, whole.charAt(offset - 1), whole.charAt(offset + match.length), naming),
      )
  );
}

function spellingFor(match: string, before: string, after: string, naming: ProjectNaming): string {
  if (match.length === 2) return match === 'gw' ? naming.short : match;
  if (match === 'GROUNDWORK') return naming.screaming;
  // Inside an identifier (`GroundworkError`, `describeGroundwork`) only PascalCase stays valid.
  if (match === 'Groundwork' && /[A-Za-z0-9]/.test(before + after)) return naming.pascal;
  if (match === 'groundwork') {
    if (before === '_' || after === '_') return naming.snake;
    if (/[A-Z]/.test(after)) return naming.camel;
  }
  return naming.kebab;
}

/**
 * Where a template file lands in the project: its path renamed like text, so a file named after
 * the template (`grafana/dashboards/groundwork-red.json`) keeps matching the renamed text that
 * points at it (`depot-red.json` in the Grafana provisioning and its test).
 *
 * @example
 * projectPath('dashboards/groundwork-red.json', projectNaming('shop', 'acme')); // 'dashboards/shop-red.json'
 */
export function projectPath(path: string, naming: ProjectNaming): string {
  return renameText(path, naming);
}
