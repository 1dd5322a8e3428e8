// Every truth-table world in test/worlds/ evaluated in-process: each probe's verdict must equal
// its hand-derived expectation (the sources are cited in each world's `source`).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWorld, runProbes } from '../../../src/policy/world-file.js';

const DIR = join(import.meta.dirname, '../../worlds');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.json')).sort();

describe('truth-table worlds', () => {
  it('has at least 30 worlds, each citing its source and expecting every probe', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(30);
    for (const f of FILES) {
      const world = parseWorld(readFileSync(join(DIR, f), 'utf8'), f);
      expect(world.source, f).toBeTruthy();
      expect(world.probes.length, f).toBeGreaterThan(0);
      expect(world.probes.every((p) => p.expected !== undefined), f).toBe(true);
    }
  });

  it.each(FILES)('%s', (f) => {
    const world = parseWorld(readFileSync(join(DIR, f), 'utf8'), f);
    const got = runProbes(world).map((r) => `${r.from} -> ${r.to} ${r.port}/${r.protocol}: ${r.verdict.decision}`);
    const want = world.probes.map((p) => `${p.from} -> ${p.to} ${p.port}/${p.protocol}: ${p.expected ?? '?'}`);
    expect(got).toEqual(want);
  });
});
