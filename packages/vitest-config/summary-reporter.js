import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `reports/test-summary.json` (counts and the Node version the tests ran on) so that CI can
 * print one closing line for the whole monorepo, even when turbo replays a cached run.
 * @implements {import('vitest/node').Reporter}
 */
export default class SummaryReporter {
  /** @param {import('vitest/node').Vitest} vitest */
  onInit(vitest) {
    this.root = vitest.config.root;
  }

  /** @param {ReadonlyArray<import('vitest/node').TestModule>} testModules */
  onTestRunEnd(testModules, unhandledErrors) {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed += 1;
        else if (state === 'failed') counts.failed += 1;
        else counts.skipped += 1;
      }
      if (module.state() === 'failed' && module.children.size === 0) counts.failed += 1;
    }
    const dir = join(this.root ?? process.cwd(), 'reports');
    mkdirSync(dir, { recursive: true });
    const summary = { node: process.version, ...counts, unhandledErrors: unhandledErrors.length };
    writeFileSync(join(dir, 'test-summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  }
}
