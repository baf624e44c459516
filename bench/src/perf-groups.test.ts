import { describe, expect, test } from 'vitest';
import { concernShares, parsePerfScript } from './perf-groups.ts';

// Three samples of two processes, as `perf script -F pid,tid,ip,sym` prints them.
const script = [
  ' 6326/6326  ',
  '\t         1628e0c Builtins_CallFunction_ReceiverIsNotNullOrUndefined',
  "\t    7f25a039f180 JS:*'Socket._writeGeneric node:net:1231:42",
  "\t    7f25a039d0c8 JS:*'request /work/main/node_modules/@fastify/reply-from/node_modules/undici/lib/api/api-request.js:1:1",
  '',
  ' 6326/6326  ',
  "\t    7f25a039f180 JS:*'parseHeaders /work/main/node_modules/@fastify/reply-from/node_modules/undici/lib/core/util.js:436:23",
  "\t    7f25a039d0c8 JS:*'parserOnIncoming node:_http_server:1167:26",
  '',
  ' 6312/6312  ',
  '\t          a22df1 _ZN2v88internal9Scavenger14ScavengeObject',
  '',
  ' 7000/7000  ',
  "\t    7f25a039f180 JS:*'execute /work/main/node_modules/@prisma/client/runtime/client.js:58:5428",
  "\t    7f25a039d0c8 JS:*'processTicksAndRejections node:internal/process/task_queues:72:35",
  '',
].join('\n');

describe('perf groups', () => {
  test('when perf script output is parsed, then each sample keeps its pid and its frames, innermost first', () => {
    const samples = parsePerfScript(script);

    expect(samples.map((sample) => sample.pid)).toEqual([6326, 6326, 6312, 7000]);
    expect(samples[0]?.frames[0]).toBe('Builtins_CallFunction_ReceiverIsNotNullOrUndefined');
    expect(samples[1]?.frames).toHaveLength(2);
  });

  test('when a sample matches several concerns, then it counts for the innermost frame that matches one', () => {
    const shares = concernShares(parsePerfScript(script), 6326);

    // The socket write made by undici is a socket write; undici's own parsing is the upstream client.
    expect(shares.get('socket reads and writes, kernel included')).toBe(0.5);
    expect(shares.get('upstream client (undici, reply-from)')).toBe(0.5);
    expect(shares.has('HTTP server (node:http, llhttp)')).toBe(false);
  });

  test("when Prisma runs a query in a promise callback, then its time is Prisma's, not the promise machinery's", () => {
    const shares = concernShares(parsePerfScript(script), 7000);

    expect([...shares]).toEqual([['Prisma and pg (queries, results)', 1]]);
  });

  test("when shares are counted, then they are of that process's samples only", () => {
    const shares = concernShares(parsePerfScript(script), 6312);

    expect([...shares]).toEqual([['garbage collection', 1]]);
  });
});
