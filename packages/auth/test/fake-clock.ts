/** A clock that moves only when told: key rotation is about time, and tests must not wait for it. */
export interface FakeClock {
  now(): Date;
  advance(by: { days?: number; hours?: number; minutes?: number; seconds?: number }): Date;
}

export function fakeClock(start: string): FakeClock {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance({ days = 0, hours = 0, minutes = 0, seconds = 0 }) {
      current += (((days * 24 + hours) * 60 + minutes) * 60 + seconds) * 1000;
      return new Date(current);
    },
  };
}
