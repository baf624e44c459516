import { runKeyRotationJob } from './key-rotation-job.ts';

/**
 * `npm run keys:rotate -w @groundwork/identity`: rotate the signing keys now (the runbook's
 * manual step). Exits 1 when the next key is too young to sign, printing when it may.
 */
const report = await runKeyRotationJob({ mode: 'now' });
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
if (report.rotated === null) {
  console.error(
    `Not rotated: the next key ${report.nextKid} may sign from ${report.notBefore?.toISOString()} (every verifier must have cached it first).`,
  );
  process.exitCode = 1;
}
