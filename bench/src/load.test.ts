import { describe, expect, it } from 'vitest';
import { parseWrkOutput } from './load.ts';

const output = `Running 5s test @ http://127.0.0.1:40123/
  1 threads and 50 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     2.10ms  512.33us  14.20ms   91.02%
    Req/Sec    24.10k     1.20k   25.90k    88.00%
  Latency Distribution
     50%    1.98ms
     75%    2.20ms
     90%    2.61ms
     99%  950.00us
  120512 requests in 5.01s, 12.07MB read
  Socket errors: connect 0, read 2, write 0, timeout 1
  Non-2xx or 3xx responses: 7
Requests/sec:  24054.29
Transfer/sec:      2.41MB
`;

describe('parseWrkOutput', () => {
  it('when wrk reports errors and mixed latency units, then counts and milliseconds are read', () => {
    expect(parseWrkOutput(output)).toEqual({
      requests: 120_512,
      durationSeconds: 5.01,
      p50Ms: 1.98,
      p99Ms: 0.95,
      errors: 3,
      non2xx: 7,
    });
  });

  it('when wrk saw no errors, then the absent lines count as zero', () => {
    const clean = output
      .split('\n')
      .filter((line) => !/Socket errors|Non-2xx/.test(line))
      .join('\n');
    expect(parseWrkOutput(clean)).toMatchObject({ errors: 0, non2xx: 0 });
  });

  it('when the output is not from wrk, then it throws', () => {
    expect(() => parseWrkOutput('command not found')).toThrow(/unexpected wrk output/);
  });
});
