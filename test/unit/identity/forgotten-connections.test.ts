import { describe, expect, it } from 'vitest';
import { ForgottenConnections } from '../../../src/identity/forgotten-connections.js';
import { rng } from '../policy/random.js';

const WINDOW = 60_000;
/** Connection numbers as RecentConnections makes them: address pair below 2^40, protocol and ports below 2^35. */
const connection = (rnd: () => number): [number, number] => [Math.floor(rnd() * 2 ** 40), Math.floor(rnd() * 2 ** 35)];

describe('ForgottenConnections', () => {
  it('knows a forgotten span near its first or last event, and nothing far from it', () => {
    const forgotten = new ForgottenConnections(WINDOW);
    forgotten.add(2 ** 39 + 5, 2 ** 34 + 7, 1_000_000, 1_030_000);
    for (const time of [1_000_000 - WINDOW, 1_000_000, 1_015_000, 1_030_000 + WINDOW]) expect(forgotten.has(2 ** 39 + 5, 2 ** 34 + 7, time, WINDOW)).toBe(true);
    expect(forgotten.has(2 ** 39 + 5, 2 ** 34 + 8, 1_000_000, WINDOW)).toBe(false); // another port
    expect(forgotten.has(2 ** 39 + 6, 2 ** 34 + 7, 1_000_000, WINDOW)).toBe(false); // other addresses
    expect(forgotten.has(2 ** 39 + 5, 2 ** 34 + 7, 1_000_000 - 3 * WINDOW, WINDOW)).toBe(false); // long before
    expect(forgotten.has(2 ** 39 + 5, 2 ** 34 + 7, 1_030_000 + WINDOW + 1, WINDOW)).toBe(false); // after every forgotten span
  });

  it('misses none of the spans it holds and rarely claims one it never held', () => {
    const rnd = rng(5);
    const forgotten = new ForgottenConnections(WINDOW);
    const held: [number, number, number][] = [];
    for (let i = 0; i < 300_000; i++) {
      const [outer, inner] = connection(rnd);
      const time = i * 10;
      forgotten.add(outer, inner, time, time + Math.floor(rnd() * 2 * WINDOW));
      held.push([outer, inner, time]);
    }
    // The earliest too: another node's file walks forward from the start (QA: they were dropped past 49,152 keys).
    for (const [outer, inner, time] of held) if (!forgotten.has(outer, inner, time, WINDOW)) throw new Error(`forgot ${outer}/${inner} at ${time}`);
    expect(forgotten.complete).toBe(true);
    let claimed = 0;
    for (let i = 0; i < 100_000; i++) {
      const [outer, inner] = connection(rnd);
      if (forgotten.has(outer, inner, 2_000_000 + i * 10, WINDOW)) claimed++;
    }
    expect(claimed).toBeLessThan(10); // about 1 in 100,000 asked (up to three slots in two filters)
  });

  it('past 4M keys drops the oldest and says it is no longer complete', () => {
    const forgotten = new ForgottenConnections(WINDOW);
    for (let i = 0; i < 4_000_000; i++) forgotten.add(i, 7, 0, 0);
    expect(forgotten.complete).toBe(true);
    for (let i = 0; i < 300_000; i++) forgotten.add(i, 8, 0, 0);
    expect(forgotten.complete).toBe(false);
    expect(forgotten.has(3_999_999, 7, 0, WINDOW)).toBe(true);
    expect(forgotten.has(0, 7, 0, WINDOW)).toBe(false);
  });

  it('forgets everything on clear (the connection numbers are given out again)', () => {
    const forgotten = new ForgottenConnections(WINDOW);
    forgotten.add(1, 2, 0, 0);
    forgotten.clear();
    expect(forgotten.has(1, 2, 0, WINDOW)).toBe(false);
  });
});
