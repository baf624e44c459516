import type { Redis } from 'ioredis';
import Type from 'typebox';
import { defineJob } from '../../src/define-job.ts';

/** The job of the crash tests: apply one effect per job id, as an inbox-guarded handler would. */
export const applyEffect = defineJob({
  name: 'apply-effect',
  queue: 'effects',
  schema: Type.Object({ n: Type.Integer({ minimum: 0 }) }),
  attempts: 3,
  backoff: { initialDelayMs: 10 },
});

/** Where the crash tests keep their evidence, under the test file's prefix. */
export function effectKeys(prefix: string) {
  return {
    /** Job ids whose effect was applied: the inbox. */
    inbox: `${prefix}:crash:inbox`,
    /** Effect count per job id: must end at exactly 1 each. */
    effects: `${prefix}:crash:effects`,
    /** Runs that found their id in the inbox and skipped the effect, per job id. */
    skipped: `${prefix}:crash:skipped`,
    /** Start times (ms) of every run of a job, a list per job id. */
    starts: (jobId: string) => `${prefix}:crash:starts:${jobId}`,
  };
}

/**
 * The effect and its inbox row in one atomic step, as Postgres would do them in one transaction:
 * a run whose id is already in the inbox changes nothing. Returns how many effects exist, or -1
 * when this run was a duplicate.
 */
const APPLY_ONCE = `
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then
  redis.call('HINCRBY', KEYS[3], ARGV[1], 1)
  return -1
end
redis.call('HINCRBY', KEYS[2], ARGV[1], 1)
return redis.call('SCARD', KEYS[1])
`;

export async function applyOnce(redis: Redis, prefix: string, jobId: string): Promise<number> {
  const keys = effectKeys(prefix);
  return (await redis.eval(APPLY_ONCE, 3, keys.inbox, keys.effects, keys.skipped, jobId)) as number;
}
