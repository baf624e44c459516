import type { Finding } from './finding.ts';

/**
 * The offline half of secret scanning (the other half is gitleaks in the `ci` workflow): committed
 * private keys and tokens whose shape alone gives them away. Pure, so tests can feed it a leak.
 * A finding names the file, the line and the kind, never the secret itself.
 */
export const secretPatterns: ReadonlyArray<{ kind: string; pattern: RegExp }> = [
  { kind: 'private key', pattern: /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----/ },
  { kind: 'AWS access key id', pattern: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/ },
  {
    kind: 'GitHub token',
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})\b/,
  },
  { kind: 'npm token', pattern: /\bnpm_[A-Za-z0-9]{36}\b/ },
  { kind: 'Slack token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
  { kind: 'Stripe live key', pattern: /\b[rs]k_live_[A-Za-z0-9]{20,}\b/ },
  { kind: 'Google API key', pattern: /\bAIza[0-9A-Za-z_-]{35}\b/ },
];

export function scanForSecrets(file: string, text: string): Finding[] {
  const findings: Finding[] = [];
  text.split('\n').forEach((line, index) => {
    for (const { kind, pattern } of secretPatterns) {
      if (pattern.test(line))
        findings.push({ where: `${file}:${index + 1}`, message: `a ${kind}` });
    }
  });
  return findings;
}
