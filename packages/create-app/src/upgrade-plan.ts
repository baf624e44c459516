import { type MergeLabels, type MergeResult, mergeFile } from './merge-file.ts';
import type { BaseFile, BaseFiles } from './template-base.ts';

/**
 * What `upgrade` does to one file. `base` is the file as the recorded template version generated
 * it, `upstream` as the new version generates it with the same options, `local` as it is now.
 */
export type UpgradeAction =
  /** Unchanged here, changed upstream: replaced by the upstream file. */
  | { kind: 'updated'; path: string; content: Buffer; executable: boolean }
  /** Changed here and upstream, in different places: both changes kept. */
  | { kind: 'merged'; path: string; content: Buffer }
  /**
   * Changed here and upstream in the same place: written with conflict markers. A binary file
   * (content undefined) cannot hold markers, so the local file stays and is reported.
   */
  | { kind: 'conflicted'; path: string; content: Buffer | undefined; conflicts: number }
  /** New upstream. */
  | { kind: 'added'; path: string; content: Buffer; executable: boolean }
  /** Removed upstream, unchanged here. */
  | { kind: 'removed'; path: string }
  /** Deleted here, changed upstream: stays deleted. */
  | { kind: 'kept-deleted'; path: string }
  /** Removed upstream, changed here: stays, as the team's file now. */
  | { kind: 'kept'; path: string };

export type UpgradeActionKind = UpgradeAction['kind'];

/** The kinds in the order the report lists them. */
export const ACTION_KINDS: readonly UpgradeActionKind[] = [
  'updated',
  'merged',
  'conflicted',
  'added',
  'removed',
  'kept-deleted',
  'kept',
];

export interface PlanInput {
  base: BaseFiles;
  upstream: BaseFiles;
  /** The project's file at `path`, or undefined when it does not exist. */
  readLocal: (path: string) => Promise<Buffer | undefined>;
  labels: { fromVersion: string; toVersion: string };
  merge?: (
    local: Buffer,
    base: Buffer,
    upstream: Buffer,
    labels: MergeLabels,
  ) => Promise<MergeResult>;
}

/**
 * Decides, for every file the old or the new template version generates, what upgrading does to
 * it. Reads the project, writes nothing. Files neither side changed, and files only the team
 * changed, need nothing and are not listed.
 */
export async function planUpgrade(input: PlanInput): Promise<UpgradeAction[]> {
  const merge = input.merge ?? mergeFile;
  const paths = [...new Set([...input.base.keys(), ...input.upstream.keys()])].sort();
  const actions: UpgradeAction[] = [];
  for (const path of paths) {
    const action = await planFile(
      path,
      input.base.get(path),
      input.upstream.get(path),
      await input.readLocal(path),
      merge,
      {
        local: `${path} (yours)`,
        base: `${path} (template ${input.labels.fromVersion})`,
        upstream: `${path} (template ${input.labels.toVersion})`,
      },
    );
    if (action !== undefined) actions.push(action);
  }
  return actions;
}

async function planFile(
  path: string,
  base: BaseFile | undefined,
  upstream: BaseFile | undefined,
  local: Buffer | undefined,
  merge: NonNullable<PlanInput['merge']>,
  labels: MergeLabels,
): Promise<UpgradeAction | undefined> {
  if (upstream === undefined) {
    if (base === undefined || local === undefined) return undefined;
    return local.equals(base.content) ? { kind: 'removed', path } : { kind: 'kept', path };
  }
  if (base === undefined) {
    if (local === undefined) {
      return { kind: 'added', path, content: upstream.content, executable: upstream.executable };
    }
    if (local.equals(upstream.content)) return undefined;
    // The team added a file of the same name: both versions, nothing in common.
    return threeWay(path, local, Buffer.alloc(0), upstream.content, merge, labels);
  }
  const upstreamChanged =
    !upstream.content.equals(base.content) || upstream.executable !== base.executable;
  if (!upstreamChanged) return undefined;
  if (local === undefined) return { kind: 'kept-deleted', path };
  if (local.equals(base.content)) {
    return { kind: 'updated', path, content: upstream.content, executable: upstream.executable };
  }
  if (local.equals(upstream.content)) return undefined;
  return threeWay(path, local, base.content, upstream.content, merge, labels);
}

async function threeWay(
  path: string,
  local: Buffer,
  base: Buffer,
  upstream: Buffer,
  merge: NonNullable<PlanInput['merge']>,
  labels: MergeLabels,
): Promise<UpgradeAction> {
  if ([local, base, upstream].some((content) => content.includes(0))) {
    return { kind: 'conflicted', path, content: undefined, conflicts: 1 };
  }
  const result = await merge(local, base, upstream, labels);
  return result.conflicts === 0
    ? { kind: 'merged', path, content: result.content }
    : { kind: 'conflicted', path, content: result.content, conflicts: result.conflicts };
}

/** How many actions of each kind, every kind present (zeros included). */
export function countActions(actions: readonly UpgradeAction[]): Record<UpgradeActionKind, number> {
  const counts = Object.fromEntries(ACTION_KINDS.map((kind) => [kind, 0])) as Record<
    UpgradeActionKind,
    number
  >;
  for (const action of actions) counts[action.kind] += 1;
  return counts;
}
