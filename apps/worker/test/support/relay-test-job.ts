import { defineJob, type JobDefinition } from '@groundwork/queue';
import Type from 'typebox';
import { eventJobSchema } from '../../src/jobs.ts';

/** The job the relay tests route `test.happened` events to; nothing consumes it. */
export const recordEvent = defineJob({
  name: 'record-event',
  queue: 'relay-test',
  schema: eventJobSchema(
    Type.Object({ aggregate: Type.String(), seq: Type.Integer({ minimum: 0 }) }),
  ),
});

export const testRoutes = new Map<string, readonly JobDefinition[]>([
  ['test.happened', [recordEvent]],
]);

/** BullMQ's event stream of a queue, as `{ event, jobId }` records in the order they happened. */
export async function queueEvents(
  redis: { xrange(key: string, start: string, end: string): Promise<[string, string[]][]> },
  prefix: string,
  queue: string,
): Promise<Record<string, string>[]> {
  const entries = await redis.xrange(`${prefix}:${queue}:events`, '-', '+');
  return entries.map(([, fields]) => {
    const record: Record<string, string> = {};
    for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i] ?? ''] = fields[i + 1] ?? '';
    return record;
  });
}
