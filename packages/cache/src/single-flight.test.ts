import { expect, test } from 'vitest';
import { createSingleFlight } from './single-flight.ts';

test('when 100 callers ask for one key at once, then the call runs once and each gets its result', async () => {
  const flights = createSingleFlight<number>();
  let calls = 0;
  const { promise, resolve } = Promise.withResolvers<number>();
  const call = () => {
    calls += 1;
    return promise;
  };

  const results = Array.from({ length: 100 }, () => flights.run('p1', call));
  resolve(42);

  expect(await Promise.all(results)).toEqual(Array(100).fill(42));
  expect(calls).toBe(1);
});

test('when the call fails, then every caller that joined gets the error and the next caller starts a new call', async () => {
  const flights = createSingleFlight<string>();
  let calls = 0;
  const failing = async () => {
    calls += 1;
    throw new Error('database down');
  };

  const joined = [flights.run('p1', failing), flights.run('p1', failing)];

  for (const result of joined) await expect(result).rejects.toThrow('database down');
  expect(await flights.run('p1', async () => 'recovered')).toBe('recovered');
  expect(calls).toBe(1);
});

test('when a key is forgotten while its call runs, then later callers start a new call and earlier ones keep the first', async () => {
  const flights = createSingleFlight<string>();
  const first = Promise.withResolvers<string>();
  const second = Promise.withResolvers<string>();
  const earlier = flights.run('p1', () => first.promise);

  flights.forget('p1');
  const later = flights.run('p1', () => second.promise);
  first.resolve('old');
  expect(await earlier).toBe('old');
  // The first flight has ended; its cleanup must have left the second in place for new callers.
  const joined = flights.run('p1', async () => 'not called');
  second.resolve('new');

  expect(await later).toBe('new');
  expect(await joined).toBe('new');
});

test('when two keys are asked at once, then each runs its own call', async () => {
  const flights = createSingleFlight<string>();

  const [a, b] = await Promise.all([
    flights.run('a', async () => 'A'),
    flights.run('b', async () => 'B'),
  ]);

  expect([a, b]).toEqual(['A', 'B']);
});
