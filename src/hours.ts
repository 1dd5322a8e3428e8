// Clock hours: the granularity of the store's time buckets, of `--since/--until` reads, and of
// how often a long-lived connection is counted (identity/edge.ts, rule 4).

export const HOUR_MS = 3_600_000;

/** Epoch hour of a time in ms. */
export function hourOf(time: number): number {
  return Math.floor(time / HOUR_MS);
}

/** What a `--since/--until` read covers: from the start of since's hour to the end of until's (ms). */
export function hourSpan(since: number | undefined, until: number | undefined): { first: number; last: number } {
  return {
    first: since === undefined ? -Infinity : hourOf(since) * HOUR_MS,
    last: until === undefined ? Infinity : (hourOf(until) + 1) * HOUR_MS,
  };
}
