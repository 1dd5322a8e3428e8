// What the folder remembers of each connection it counted (rules 4 and 5 in edge.ts): one count
// per clock hour the connection was seen in, each with the span of its events in that hour, and
// the connection's verdict, which all its counts share.
import { hourOf } from '../hours.js';
import type { ObservedEdge, ObservedVerdict } from '../model.js';

/** The first and last event time (ms) of a connection within one clock hour. */
export interface ConnectionSpan { first: number; last: number }

/**
 * One count of a connection: the observation made for a clock hour, and its events' span in it.
 * `batch` is the consumer's to set (the store: which IngestBatch holds the count; 0 = none).
 */
export interface HourCount extends ConnectionSpan { readonly edge: ObservedEdge; batch: number }

/** A connection's counts, in every hour it was counted in, move from verdict `from` to `to`. */
export interface Reclassification { counts: readonly HourCount[]; from: ObservedVerdict; to: ObservedVerdict }

/**
 * What joining two counted spans of one connection did (Counted.join): counts taken back, each
 * under the verdict it had (an hour both spans were counted in is counted once), counts whose span
 * grew to a taken-back count's, and counts that move to the joined connection's verdict.
 */
export interface Joined {
  retracted: { count: HourCount; verdict: ObservedVerdict }[];
  widened: HourCount[];
  moved: Reclassification[];
  /** The joined connection's verdict (the widened counts' bucket). */
  verdict: ObservedVerdict;
}

/** A counted connection: its counts (the latest hour's first) and its verdict with that verdict's rank. */
export class Counted {
  /** Counts of other hours than `latest`'s, in no particular order; most connections have none (made when needed). */
  private others: HourCount[] | undefined;

  constructor(public latest: HourCount, public verdict: ObservedVerdict, public rank: number) {}

  /** The count made for the clock hour of `time`, if any. */
  countAt(time: number): HourCount | undefined {
    const hour = hourOf(time);
    if (hourOf(this.latest.edge.time) === hour) return this.latest;
    return this.others?.find((c) => hourOf(c.edge.time) === hour);
  }

  /** Every count, for a reclassification. */
  all(): HourCount[] {
    return this.others === undefined ? [this.latest] : [...this.others, this.latest];
  }

  /** Add the count of an hour that has none yet. */
  add(count: HourCount): void {
    const others = (this.others ??= []);
    if (count.edge.time > this.latest.edge.time) {
      others.push(this.latest);
      this.latest = count;
    } else {
      others.push(count);
    }
  }

  /**
   * `gone`, a later span of the same connection, is now one span with this one (connection-spans.ts):
   * take its counts in, once per hour, under the more decisive of the two verdicts; what that does
   * to the counts made so far is added to `out`.
   */
  join(gone: Counted, out: Joined): void {
    const own = gone.rank > this.rank ? this.all() : undefined; // they move to gone's verdict
    const taken: HourCount[] = [];
    for (const count of gone.all()) {
      const same = this.countAt(count.edge.time);
      if (same === undefined) {
        this.add(count);
        taken.push(count);
        continue;
      }
      out.retracted.push({ count, verdict: gone.verdict });
      const earlier = widen(same, count.first);
      if (widen(same, count.last) || earlier) out.widened.push(same);
    }
    if (own !== undefined) {
      out.moved.push({ counts: own, from: this.verdict, to: gone.verdict });
      this.verdict = gone.verdict;
      this.rank = gone.rank;
    } else if (gone.rank < this.rank && taken.length > 0) {
      out.moved.push({ counts: taken, from: gone.verdict, to: this.verdict });
    }
    out.verdict = this.verdict;
  }

  /**
   * An event of verdict `verdict` and rank `rank` was seen: when it is more decisive than the
   * connection's verdict, that becomes the verdict and the counts made so far move to it.
   */
  raise(verdict: ObservedVerdict, rank: number): Reclassification | undefined {
    if (rank <= this.rank) return undefined;
    const moved = { counts: this.all(), from: this.verdict, to: verdict };
    this.verdict = verdict;
    this.rank = rank;
    return moved;
  }
}

/** Widen `count`'s span to `time`; true when it moved. */
export function widen(count: ConnectionSpan, time: number): boolean {
  if (time < count.first) count.first = time;
  else if (time > count.last) count.last = time;
  else return false;
  return true;
}
