import { describe, expect, it } from 'vitest';
import { scanForSecrets } from './secret-scan.ts';

// Built at run time so this file itself holds no secret-shaped text for the scan to find.
const pem = (label: string) => `-----BEGIN ${label}-----`;
const token = (prefix: string, length: number) => `${prefix}${'a1B2'.repeat(length / 4)}`;

describe('scanForSecrets', () => {
  it('when a committed file holds a private key or a token, then the file and line are reported', () => {
    const leaks: Array<[string, string]> = [
      ['private key', pem('RSA PRIVATE KEY')],
      ['private key', pem('PRIVATE KEY')],
      ['private key', pem('OPENSSH PRIVATE KEY')],
      ['private key', pem('EC PRIVATE KEY')],
      ['AWS access key id', `aws_access_key_id = ${token('AKIA', 16).toUpperCase()}`],
      ['GitHub token', `GITHUB_TOKEN=${token('ghp_', 36)}`],
      ['npm token', `//registry.npmjs.org/:_authToken=${token('npm_', 36)}`],
      ['Stripe live key', `STRIPE_KEY=${token('sk_live_', 24)}`],
    ];
    for (const [kind, line] of leaks) {
      expect(scanForSecrets('config/leak.env', `# settings\n${line}\n`)).toEqual([
        { where: 'config/leak.env:2', message: `a ${kind}` },
      ]);
    }
  });

  it('when a file has public keys, placeholders and secret references only, then nothing is reported', () => {
    const text = [
      pem('PUBLIC KEY'),
      'SIGNING_KEY_ENCRYPTION_KEY=change-me-local-only',
      'password: (secrets.GITHUB_TOKEN in the workflow)',
      'DATABASE_URL_FILE=/run/secrets/database-url',
      'sk_test_ is the prefix of a Stripe test key',
    ].join('\n');
    expect(scanForSecrets('.env.example', text)).toEqual([]);
  });
});
