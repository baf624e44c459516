import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import type { Finding } from './finding.ts';

const require = createRequire(import.meta.url);

// The current compose-spec schema, as shipped (and kept up to date) by the dclint package.
const schemaPath = path.join(
  path.dirname(require.resolve('dclint/package.json')),
  'schemas/compose.schema.json',
);

let validator: ValidateFunction | undefined;

function compile(): ValidateFunction {
  if (validator) return validator;
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  // The schema is draft-07 with `$schema` pointing at the web: drop it so nothing is fetched.
  delete schema.$schema;
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  addFormats.default(ajv);
  validator = ajv.compile(schema);
  return validator;
}

/**
 * Validates a compose file against the compose-spec schema, then the rules we rely on: no
 * top-level `name:` (docker-compose 1.29 refuses it), a healthcheck on every long-running
 * service of the default profile, and `depends_on` only with conditions.
 *
 * @example
 * ```ts
 * validateCompose('docker-compose.yml', readFileSync('docker-compose.yml', 'utf8')); // []
 * ```
 */
export function validateCompose(where: string, text: string): Finding[] {
  let document: unknown;
  try {
    document = parse(text, { merge: true });
  } catch (error) {
    return [{ where, message: `not YAML: ${(error as Error).message}` }];
  }
  const validate = compile();
  const findings: Finding[] = [];
  if (!validate(document)) {
    for (const error of validate.errors ?? []) {
      const extra = error.params && 'additionalProperty' in error.params;
      findings.push({
        where: `${where} ${error.instancePath || '/'}`,
        message: `${error.message ?? 'invalid'}${extra ? ` (${String(error.params.additionalProperty)})` : ''}`,
      });
    }
  }

  const root = (document ?? {}) as Record<string, unknown>;
  if ('name' in root) {
    findings.push({ where, message: 'top-level `name:` breaks docker-compose 1.29' });
  }
  const services = (root.services ?? {}) as Record<string, Record<string, unknown>>;
  for (const [name, service] of Object.entries(services)) {
    const oneShot = service.restart === 'no';
    if (!service.profiles && !oneShot && !service.healthcheck) {
      findings.push({ where: `${where} services.${name}`, message: 'needs a healthcheck' });
    }
    if (Array.isArray(service.depends_on)) {
      findings.push({
        where: `${where} services.${name}`,
        message: 'depends_on needs conditions (service_healthy / service_completed_successfully)',
      });
    }
  }
  return findings;
}
