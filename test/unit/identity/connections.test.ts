// ConnectionMemory against a plain-Map LRU (delete + set moves a key to the end):
// same answers and same survivors for a long random mix of touches and evictions.
import { describe, expect, it } from 'vitest';
import { MAX_SPANS, MIN_SPANS } from '../../../src/identity/connection-spans.js';
import { ConnectionMemory } from '../../../src/identity/connection-memory.js';
import { RecentConnections } from '../../../src/identity/connections.js';
import { rng } from '../policy/random.js';

class ReferenceMemory {
  readonly seen = new Map<string, number>();
  touch(key: string, time: number): number | undefined {
    const last = this.seen.get(key);
    if (last !== undefined) this.seen.delete(key);
    this.seen.set(key, Math.max(time, last ?? time));
    return last;
  }
  evict(max: number, keep: number, horizon: number): void {
    for (const [key, time] of this.seen) {
      if (this.seen.size <= max && (this.seen.size <= keep || time >= horizon)) break;
      this.seen.delete(key);
    }
  }
}

/** Touch, then keep the later time as RecentConnections does for a repeat; the time it had before (undefined: new). */
function touch(memory: ConnectionMemory<unknown>, outer: number, inner: number, time: number): number | undefined {
  const entry = memory.touch(outer, inner, time);
  if (entry === undefined) return undefined;
  const last = entry.time;
  if (time > last) entry.time = time;
  return last;
}

describe('ConnectionMemory', () => {
  it('answers and evicts exactly like a Map moved on every touch', () => {
    const rnd = rng(7);
    const memory = new ConnectionMemory();
    const reference = new ReferenceMemory();
    let time = 0;
    for (let i = 0; i < 20_000; i++) {
      time += rnd() < 0.1 ? -Math.floor(rnd() * 50) : Math.floor(rnd() * 5); // sometimes back in time
      const outer = Math.floor(rnd() * 20) * 2 ** 20; // like an address pair: large, not a small integer
      const inner = Math.floor(rnd() * 15) * 2 ** 32;
      expect(touch(memory, outer, inner, time)).toBe(reference.touch(`${outer}/${inner}`, time));
      if (rnd() < 0.05) {
        const max = 50 + Math.floor(rnd() * 200);
        const keep = Math.floor(rnd() * max);
        const horizon = time - Math.floor(rnd() * 400);
        memory.evict(max, keep, horizon);
        reference.evict(max, keep, horizon);
        expect(memory.size).toBe(reference.seen.size);
      }
    }
    for (const [key, t] of reference.seen) {
      const [outer, inner] = key.split('/').map(Number) as [number, number];
      expect(touch(memory, outer, inner, -1)).toBe(t);
    }
  });

  it('evicts from the least recently touched end while over the limit, or over `keep` and older than the horizon', () => {
    const memory = new ConnectionMemory();
    const [a, b, c] = [[1, 1], [1, 2], [2, 1]] as const; // b shares a's outer key, c its inner one
    touch(memory, ...a, 10);
    touch(memory, ...b, 20);
    touch(memory, ...c, 30);
    touch(memory, ...a, 5); // touched last, keeps its later time 10; order now b, c, a
    memory.evict(2); // over the limit: b goes
    expect(memory.size).toBe(2);
    memory.evict(10); // under the limit, no horizon: a (10) stays, old as it is
    expect(memory.size).toBe(2);
    memory.evict(10, 1, 25); // c (30) is the least recently touched and recent enough: the walk stops before a (10)
    expect(memory.size).toBe(2);
    expect([touch(memory, ...a, 0), touch(memory, ...c, 0), touch(memory, ...b, 0)]).toEqual([10, 30, undefined]);
  });

  it('keeps the latest `keep` however old: only those past them are forgotten by age', () => {
    const memory = new ConnectionMemory();
    touch(memory, 1, 1, 30);
    touch(memory, 1, 2, 10);
    touch(memory, 1, 3, 20);
    memory.evict(10, 2, 1000); // all older than the horizon: the least recently touched goes, the latest two stay
    expect([touch(memory, 1, 1, 0), touch(memory, 1, 2, 0), touch(memory, 1, 3, 0)]).toEqual([undefined, 10, 20]);
  });

  it('forgets everything on clear', () => {
    const memory = new ConnectionMemory();
    touch(memory, 1, 1, 10);
    touch(memory, 1, 2, 20);
    memory.clear();
    expect(memory.size).toBe(0);
    expect(touch(memory, 1, 1, 30)).toBeUndefined();
    memory.evict(0);
    expect(memory.size).toBe(0);
  });
});

describe('RecentConnections: spans of one connection read file by file', () => {
  const WINDOW = 60;
  /** Counts as the folder makes them: one per new span, one taken back per join. */
  function counted(files: number[][], maxSpans = 1_000_000): number {
    let counts = 0;
    const recent = new RecentConnections<number>({ maxConnections: 100, keepConnections: 100, windowMs: WINDOW, maxAddresses: 100, maxSpans }, () => counts--);
    for (const file of files) {
      for (const time of file) {
        if (recent.repeat('TCP', 'a', 1, 'b', 2, time, WINDOW)) continue;
        recent.attach(++counts);
      }
    }
    return counts;
  }
  /** Runs of the sorted times split at gaps wider than the window: the counts of a time-ordered read. */
  function runs(times: number[]): number {
    const sorted = [...times].sort((x, y) => x - y);
    return sorted.filter((t, i) => i === 0 || t - (sorted[i - 1] as number) > WINDOW).length;
  }

  it('end as the runs of the merged times, whatever the files and their order', () => {
    const rnd = rng(11);
    for (let round = 0; round < 300; round++) {
      const files: number[][] = [[], [], []];
      let time = 0;
      for (let k = 0; k < 5 + Math.floor(rnd() * 60); k++) {
        time += Math.floor(rnd() * 100); // gaps of 0..99: some over the window
        (files[Math.floor(rnd() * 3)] as number[]).push(time);
      }
      for (const file of files) if (rnd() < 0.3) file.reverse(); // a file need not be in time order
      expect(counted(files), JSON.stringify(files)).toBe(runs(files.flat()));
      expect(counted([...files].reverse())).toBe(runs(files.flat()));
    }
  });

  it(`keep ${MIN_SPANS} earlier spans each whatever the budget, more only within it`, () => {
    const pieces = (n: number): number[][] => [
      Array.from({ length: n }, (_, k) => k * 120), // one node: every 120 s, n pieces
      Array.from({ length: n - 1 }, (_, k) => k * 120 + 60), // the other fills every gap
    ];
    expect(counted(pieces(MIN_SPANS + 1), 0)).toBe(1); // the newest span and MIN_SPANS earlier ones
    expect(counted(pieces(40))).toBe(1);
    expect(counted(pieces(40), 0)).toBeGreaterThan(1); // no budget: the earliest pieces were forgotten
  });

  it('past the limits, pieces count again in proportion to how far past, not all of them (found by QA)', () => {
    // The next file walks forward from the start: forgetting the oldest span each time it starts
    // one would forget the very piece it joins next, and nothing would join any more (2n).
    const over = 100;
    const [a, b] = [Array.from({ length: MAX_SPANS + over }, (_, k) => k * 120), Array.from({ length: MAX_SPANS + over - 1 }, (_, k) => k * 120 + 60)];
    for (const files of [[a, b], [b, a]]) expect(counted(files)).toBeLessThan(5 * over);
    expect(counted([a, b], 0)).toBeLessThan(5 * (MAX_SPANS + over - MIN_SPANS)); // budget spent: the same, from 4 spans on
  });
});

describe('RecentConnections: connections forgotten before another file repeats them', () => {
  const WINDOW = 60;
  /** One node's file: `n` connections (by source port), 10 apart in time from `start`. */
  const file = (n: number, start = 0): [number, number][] => Array.from({ length: n }, (_, port) => [port, start + port * 10]);
  function read(files: [number, number][][], keep: number): { counts: number; started: number; recounted: number } {
    const recent = new RecentConnections<number>({ maxConnections: keep, keepConnections: keep, windowMs: WINDOW, maxAddresses: 100, maxSpans: 1000 });
    let counts = 0;
    for (const events of files) {
      for (const [port, time] of events) if (!recent.repeat('TCP', 'a', 1024 + port, 'b', 80, time, WINDOW)) recent.attach(++counts);
    }
    return { counts, started: recent.started, recounted: recent.recounted };
  }

  it('are noticed, each that counts again (another node\'s copy, past keepConnections)', () => {
    // The second copy finds the first 200 forgotten, and forgets the last 100 itself on its way.
    expect(read([file(300), file(300)], 100)).toEqual({ counts: 600, started: 600, recounted: 300 });
    expect(read([file(300), file(300)], 300)).toEqual({ counts: 300, started: 300, recounted: 0 });
  });

  it('are not noticed in one file read in time order, where forgetting loses nothing', () => {
    expect(read([file(5000)], 100)).toEqual({ counts: 5000, started: 5000, recounted: 0 });
    // The same addresses and ports used again after more than the window: new uses, not repeats.
    expect(read([file(5000), file(5000, 50_000 + 200)], 100)).toEqual({ counts: 10_000, started: 10_000, recounted: 0 });
  });

  it('past the span limits, are noticed where pieces count again', () => {
    const [a, b] = [Array.from({ length: MAX_SPANS + 100 }, (_, k) => k * 120), Array.from({ length: MAX_SPANS + 99 }, (_, k) => k * 120 + 60)];
    let counts = 0;
    const recent = new RecentConnections<number>({ maxConnections: 10, keepConnections: 10, windowMs: WINDOW, maxAddresses: 100, maxSpans: 0 }, () => counts--);
    for (const time of [...a, ...b]) if (!recent.repeat('TCP', 'a', 1, 'b', 2, time, WINDOW)) recent.attach(++counts);
    expect(counts).toBeGreaterThan(1); // one connection, in pieces that did not all join
    expect(recent.recounted).toBeGreaterThan(0);
    expect(recent.recounted).toBeLessThan(counts);
  });
});
