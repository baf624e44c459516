import { describe, expect, it } from 'vitest';
import { parseProcStat } from './proc-stat.ts';

// A real line from a Node 24 process, with a command name that holds a space and a parenthesis.
const line =
  '4242 (node (main) x) S 4200 4242 4200 34816 4242 4194304 12345 0 0 0 1532 217 0 0 20 0 11 0 987654 1234567890 24680 18446744073709551615 1 1 0 0 0 0 0 16781312 134234626 0 0 0 17 0 0 0 0 0 0 0 0 0 0 0 0 0 0';

describe('parseProcStat', () => {
  it('when the command name holds spaces and parentheses, then utime, stime and rss are read after the last one', () => {
    expect(parseProcStat(line)).toEqual({ utimeTicks: 1532, stimeTicks: 217, rssPages: 24680 });
  });

  it('when the text is not a stat line, then it throws instead of returning zeros', () => {
    expect(() => parseProcStat('no parenthesis here')).toThrow(/not a \/proc/);
    expect(() => parseProcStat('1 (node) S 1 2')).toThrow(/utime/);
  });
});
