import { describe, expect, test } from 'vitest';
import { fromEnvelope, isTraceparent, toEnvelope } from './job-data.ts';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

describe('job envelope', () => {
  test('when a W3C traceparent is given, then it is recognised', () => {
    expect(isTraceparent(TRACEPARENT)).toBe(true);
  });

  test.each([
    ['00-00000000000000000000000000000000-00f067aa0ba902b7-01'],
    ['00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01'],
    ['ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01'],
    ['00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01'],
    ['not-a-trace'],
  ])('when a traceparent is malformed (%s), then it is refused', (value) => {
    expect(isTraceparent(value)).toBe(false);
  });

  test('when job data carries a malformed traceparent, then the payload is kept and the trace dropped', () => {
    expect(fromEnvelope({ payload: { a: 1 }, traceparent: 'junk' })).toEqual({ payload: { a: 1 } });
  });

  test('when job data is no envelope, then it reads as undefined', () => {
    expect(fromEnvelope({ orderId: 'x' })).toBeUndefined();
    expect(fromEnvelope(null)).toBeUndefined();
  });

  test('when an envelope is written and read back, then payload and trace survive', () => {
    expect(fromEnvelope(toEnvelope({ a: 1 }, TRACEPARENT))).toEqual({
      payload: { a: 1 },
      traceparent: TRACEPARENT,
    });
  });
});
