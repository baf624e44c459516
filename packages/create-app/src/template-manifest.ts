import { createHash } from 'node:crypto';
import type { CreateOptions } from './validate-options.ts';

/** Where a generated project records what it was generated from; `upgrade` reads it. */
export const MANIFEST_PATH = '.groundwork/template.json';

/**
 * The record of one generation: the template version, the options that shaped it, and the
 * sha256 of every file exactly as written, so `upgrade` can tell a file the team edited from one
 * it can replace.
 */
export interface TemplateManifest {
  templateVersion: string;
  options: { name: string; scope: string; services: string[]; git: boolean };
  /** Path → hex sha256, sorted by path. The manifest does not list itself. */
  files: Record<string, string>;
}

export function sha256(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

export function buildManifest(
  templateVersion: string,
  options: CreateOptions,
  hashes: ReadonlyMap<string, string>,
): TemplateManifest {
  const files = Object.fromEntries([...hashes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return {
    templateVersion,
    options: {
      name: options.name,
      scope: options.scope,
      services: [...options.services],
      git: options.git,
    },
    files,
  };
}

export function serializeManifest(manifest: TemplateManifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
