// ConnectionMemory against the plain-Map LRU it replaces (delete + set moves a key to the end):
// same answers and same survivors for a long random mix of touches and evictions.
import { describe, expect, it } from 'vitest';
import { ConnectionMemory } from '../../../src/identity/connections.js';

class ReferenceMemory {
  readonly seen = new Map<string, number>();
  touch(key: string, time: number): number | undefined {
    const last = this.seen.get(key);
    if (last !== undefined) this.seen.delete(key);
    this.seen.set(key, Math.max(time, last ?? time));
    return last;
  }
  evict(max: number, horizon: number): void {
    for (const [key, time] of this.seen) {
      if (this.seen.size <= max && time >= horizon) break;
      this.seen.delete(key);
    }
  }
}

function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a * 1664525 + 1013904223) >>> 0;
    return a / 4294967296;
  };
}

describe('ConnectionMemory', () => {
  it('answers and evicts exactly like a Map moved on every touch', () => {
    const rnd = random(7);
    const memory = new ConnectionMemory();
    const reference = new ReferenceMemory();
    let time = 0;
    for (let i = 0; i < 20_000; i++) {
      time += rnd() < 0.1 ? -Math.floor(rnd() * 50) : Math.floor(rnd() * 5); // sometimes back in time
      const key = `k${Math.floor(rnd() * 300)}`;
      expect(memory.touch(key, time)).toBe(reference.touch(key, time));
      if (rnd() < 0.05) {
        const max = 50 + Math.floor(rnd() * 200);
        const horizon = time - Math.floor(rnd() * 400);
        memory.evict(max, horizon);
        reference.evict(max, horizon);
        expect(memory.size).toBe(reference.seen.size);
      }
    }
    for (const [key, t] of reference.seen) expect(memory.touch(key, -1)).toBe(t);
  });

  it('evicts from the least recently touched end while over the limit or older than the horizon', () => {
    const memory = new ConnectionMemory();
    memory.touch('a', 10);
    memory.touch('b', 20);
    memory.touch('c', 30);
    memory.touch('a', 5); // touched last, keeps its later time 10; order now b, c, a
    memory.evict(2, 0); // over the limit: b goes
    expect(memory.size).toBe(2);
    memory.evict(10, 25); // c (30) is the least recently touched and recent enough: the walk stops before a (10)
    expect(memory.size).toBe(2);
    expect([memory.touch('a', 0), memory.touch('c', 0), memory.touch('b', 0)]).toEqual([10, 30, undefined]);
  });
});
