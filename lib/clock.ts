/** Time, passed in: production code reads the clock it is given, so tests can use a fake one. */
export interface Clock {
  /** Milliseconds since the Unix epoch (or any fixed origin): only differences and order matter. */
  now(): number;
}

/** The real clock. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to, for tests. */
export function manualClock(start = 0): Clock & { advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}
