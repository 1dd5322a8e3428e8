// Seeded random learned graphs: the generated policies must be proven by the engine every time.
import { describe, expect, it } from 'vitest';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { ProofWorld, prove, selfConsistency } from './proof.js';
import { randomGraph } from './random-graph.js';

describe('generated policies on seeded random graphs', () => {
  for (const seed of [1, 2, 3, 42, 2026]) {
    it(`seed ${seed}: every learned edge allowed, every unobserved combination denied`, () => {
      const { edges, namespaces } = randomGraph(seed);
      const set = generatePolicies({ edges, namespaces }, DEFAULT_GENERATE_OPTIONS);
      const world = new ProofWorld(set, edges, namespaces);
      const proof = prove(world);
      expect(proof.failures).toEqual([]);
      expect(proof.allowed).toBeGreaterThan(100);
      expect(proof.checked).toBeGreaterThan(20_000);
    });
  }

  it('stays self-consistent with every widening option on', () => {
    const { edges, namespaces } = randomGraph(7);
    const options = { ...DEFAULT_GENERATE_OPTIONS, alwaysDns: true, portRanges: true, cidrPrefix: { v4: 16, v6: 48 } };
    const set = generatePolicies({ edges, namespaces }, options);
    const self = selfConsistency(new ProofWorld(set, edges, namespaces));
    expect(self.failures).toEqual([]);
    expect(self.allowed).toBeGreaterThan(100);
  });
});
