/** One running call per key inside this process. */
export interface SingleFlight<V> {
  /** Starts `call` for `key`, or returns the promise of the call for `key` that is already running. */
  run(key: string, call: () => Promise<V>): Promise<V>;
  /** Later callers of `key` start a new call; callers that already joined keep the running one. */
  forget(key: string): void;
}

export function createSingleFlight<V>(): SingleFlight<V> {
  const flights = new Map<string, Promise<V>>();
  return {
    run(key, call) {
      const running = flights.get(key);
      if (running !== undefined) return running;
      const flight = Promise.resolve()
        .then(call)
        .finally(() => {
          // A forgotten flight must not remove the newer one that replaced it.
          if (flights.get(key) === flight) flights.delete(key);
        });
      flights.set(key, flight);
      return flight;
    },
    forget(key) {
      flights.delete(key);
    },
  };
}
