import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { validateCompose } from './compose-schema.ts';

const repo = path.resolve(import.meta.dirname, '../../..');
const read = (file: string) => readFileSync(path.join(repo, file), 'utf8');

describe('validateCompose', () => {
  it("when the repository's docker-compose.yml is validated, then it passes", () => {
    expect(validateCompose('docker-compose.yml', read('docker-compose.yml'))).toEqual([]);
  });

  it('when a file has an unknown key, a bad condition, a top-level name and no healthcheck, then each is reported', () => {
    const found = validateCompose('bad', read('infra/check/test/fixtures/bad-compose.yml'));
    const text = found.map((f) => `${f.where} ${f.message}`).join('\n');
    expect(text).toContain('(helthcheck)');
    expect(text).toContain('/services/api/depends_on/db/condition');
    expect(text).toContain('top-level `name:` breaks docker-compose 1.29');
    expect(text).toContain('services.db needs a healthcheck');
  });

  it('when the compose file is validated, then every service has a healthcheck and waits for healthy dependencies', () => {
    const compose = parse(read('docker-compose.yml'), { merge: true }) as {
      services: Record<
        string,
        {
          healthcheck?: unknown;
          profiles?: string[];
          restart?: string;
          depends_on?: Record<string, { condition: string }>;
        }
      >;
    };
    const services = Object.entries(compose.services).filter(([, service]) => !service.profiles);
    for (const [name, service] of services) {
      if (name !== 'migrate') expect(service.healthcheck, name).toBeDefined();
      for (const [dependency, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(condition, `${name} -> ${dependency}`).toBe(
          dependency === 'migrate' ? 'service_completed_successfully' : 'service_healthy',
        );
      }
    }
    expect(compose.services.gateway?.depends_on).toHaveProperty('redis');
    expect(JSON.stringify(compose.services.redis)).toContain('noeviction');
  });

  it('when the file is not YAML, then that is the finding', () => {
    expect(validateCompose('broken', 'services: [').map((f) => f.message)[0]).toMatch(/^not YAML/);
  });
});
