import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintDockerfile } from './dockerfile-lint.ts';

const repo = path.resolve(import.meta.dirname, '../../..');

describe('lintDockerfile', () => {
  it("when the repository's Dockerfile is linted, then it is clean", () => {
    const text = readFileSync(path.join(repo, 'infra/docker/Dockerfile'), 'utf8');
    expect(lintDockerfile('Dockerfile', text)).toEqual([]);
  });

  it('when a Dockerfile has a syntax error, then it is reported', () => {
    const found = lintDockerfile(
      'bad',
      'FROM node:24-bookworm-slim\nCOPYY . .\nUSER 1000\nHEALTHCHECK NONE\n',
    );
    expect(found.map((f) => f.where)).toContain('bad:2');
  });

  it('when a Dockerfile pulls a frontend, links, uses a heredoc and runs as root, then each is reported', () => {
    const text = [
      '# syntax=docker/dockerfile:1',
      'FROM node:24-bookworm-slim',
      'COPY --link . .',
      'RUN <<EOF',
      'echo hi',
      'EOF',
      'USER root',
    ].join('\n');
    expect(lintDockerfile('bad', text).map((f) => f.message)).toEqual(
      expect.arrayContaining([
        'no `# syntax=` line: it makes BuildKit pull a frontend',
        'no COPY --link: the classic builder rejects it',
        'no heredocs: the classic builder rejects them',
        'needs a HEALTHCHECK instruction',
        'the final USER is root',
      ]),
    );
  });
});
