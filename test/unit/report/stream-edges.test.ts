// `allowedEdges: 'stream'` (what `-o json` uses): no edge is held, the totals and workload order
// are those of the kept report, and the JSON rendered through `edgesOf` is byte-identical.
import { describe, expect, it } from 'vitest';
import type { Edge } from '../../../src/model.js';
import { buildBreakageReport, type BreakageOptions } from '../../../src/report/breakage.js';
import { renderJson, renderJsonChunks } from '../../../src/report/render-json.js';
import { edge, FORGETS_DNS, frontend, postgres, SEED_EDGES, SEED_NAMESPACES } from './seed-edges.js';

function both(edges: readonly Edge[], options: BreakageOptions) {
  const input = { edges, namespaces: SEED_NAMESPACES, existing: FORGETS_DNS, proposed: [], observation: { lostEvents: 0 } };
  return { kept: buildBreakageReport(input, options), streamed: buildBreakageReport(input, { ...options, allowedEdges: 'stream' }) };
}

describe("allowedEdges: 'stream'", () => {
  const scenarios: [string, BreakageOptions][] = [
    ['no default-deny', { defaultDeny: { kind: 'none' }, direction: 'both' }],
    ['default-deny all', { defaultDeny: { kind: 'all' }, direction: 'both' }],
    ['default-deny kube-system ingress', { defaultDeny: { kind: 'namespaces', namespaces: ['kube-system'] }, direction: 'ingress' }],
    // Allowed edges then carry no verdict: the first pass keeps that, not sides.
    ['explain denied only', { defaultDeny: { kind: 'namespaces', namespaces: ['production'] }, direction: 'both', explain: 'denied' }],
  ];
  for (const [name, options] of scenarios) {
    it(`renders the same JSON as the kept report (${name})`, () => {
      const { kept, streamed } = both(SEED_EDGES, options);
      expect([...renderJsonChunks(streamed.report, streamed.edgesOf)].join('')).toBe(renderJson(kept.report));
      expect(streamed.report.totals).toEqual(kept.report.totals);
    });
  }

  it('keeps no edge in the report; edgesOf assesses them again, breaks first then by flows, ties in input order', () => {
    // Three edges of one workload with equal flows around a heavier one: ties keep the input order.
    const edges = [edge(frontend, postgres, 'TCP', 5432, 3), edge(frontend, postgres, 'TCP', 5433, 7), edge(frontend, postgres, 'TCP', 5434, 3)];
    const { kept, streamed } = both(edges, { defaultDeny: { kind: 'all' }, direction: 'both' });
    const workloads = streamed.report.namespaces.flatMap((n) => n.workloads);
    expect(workloads.every((w) => w.edges.length === 0)).toBe(true);
    const ports = workloads.flatMap((w) => [...streamed.edgesOf(w)].map((e) => e.edge.port));
    expect(ports).toEqual([5433, 5432, 5434]);
    expect(kept.report.namespaces.flatMap((n) => n.workloads.flatMap((w) => w.edges.map((e) => e.edge.port)))).toEqual(ports);
  });
});
