import { createRequire } from 'node:module';
import type { Finding } from './finding.ts';

const require = createRequire(import.meta.url);
const { validate } = require('dockerfile-utils') as typeof import('dockerfile-utils');

// Severity 1 is an error in the Language Server Protocol the library speaks.
const ERROR = 1;

/**
 * Lints a Dockerfile: syntax (dockerfile-utils), then the rules that keep it building on both an
 * old builder and BuildKit without pulling a frontend image, and our runtime expectations.
 *
 * @example
 * ```ts
 * lintDockerfile('infra/docker/Dockerfile', text); // [] when clean
 * ```
 */
export function lintDockerfile(where: string, text: string): Finding[] {
  const findings: Finding[] = validate(text)
    .filter((diagnostic) => diagnostic.severity === ERROR)
    .map((diagnostic) => ({
      where: `${where}:${diagnostic.range.start.line + 1}`,
      message:
        typeof diagnostic.message === 'string' ? diagnostic.message : diagnostic.message.value,
    }));

  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const at = `${where}:${index + 1}`;
    if (/^#\s*syntax\s*=/i.test(line)) {
      findings.push({
        where: at,
        message: 'no `# syntax=` line: it makes BuildKit pull a frontend',
      });
    }
    if (/^\s*(COPY|ADD)\b.*--link\b/i.test(line)) {
      findings.push({ where: at, message: 'no COPY --link: the classic builder rejects it' });
    }
    if (/^\s*RUN\b.*<<-?\s*['"]?[A-Z]+/i.test(line)) {
      findings.push({ where: at, message: 'no heredocs: the classic builder rejects them' });
    }
  });

  const instructions = lines.map((line) => line.trim().split(/\s+/)[0]?.toUpperCase());
  for (const required of ['HEALTHCHECK', 'USER']) {
    if (!instructions.includes(required)) {
      findings.push({ where, message: `needs a ${required} instruction` });
    }
  }
  const lastUser = lines.filter((line) => /^\s*USER\s/i.test(line)).at(-1);
  if (lastUser && /^\s*USER\s+(root|0)(:|\s|$)/i.test(lastUser)) {
    findings.push({ where, message: 'the final USER is root' });
  }
  return findings;
}
