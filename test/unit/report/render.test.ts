// The three renderers on the seed scenario (golden files, UPDATE_GOLDEN=1 to rewrite), the JSON
// schema, the in-process agreement of --world-out with `check`, and --default-deny parsing.
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/errors.js';
import type { NetworkPolicy } from '../../../src/model.js';
import { runProbes, parseWorld } from '../../../src/policy/world-file.js';
import { buildBreakageReport } from '../../../src/report/breakage.js';
import { defaultDenyNamespaces, parseDefaultDenyScope } from '../../../src/report/default-deny.js';
import { countText, duration } from '../../../src/report/reasons.js';
import { REPORT_SCHEMA_VERSION, renderJson } from '../../../src/report/render-json.js';
import { renderMarkdown } from '../../../src/report/render-markdown.js';
import { renderText } from '../../../src/report/render-text.js';
import { reportWorld } from '../../../src/report/world-out.js';
import { matchesGolden } from './golden.js';
import { FORGETS_DNS, SEED_EDGES, SEED_NAMESPACES, T0, edge } from './seed-edges.js';

const seedReport = (lostEvents = 0, window?: { first: number; last: number }) =>
  buildBreakageReport(
    { edges: SEED_EDGES, namespaces: SEED_NAMESPACES, existing: FORGETS_DNS, proposed: [], observation: { lostEvents, ...(window ? { window } : {}) } },
    { defaultDeny: { kind: 'namespaces', namespaces: ['kube-system'] }, direction: 'ingress' },
  );

describe('renderers (seed scenario, a policy set that forgets DNS)', () => {
  const { report } = seedReport();

  it('text', () => {
    matchesGolden('seed-forgets-dns.txt', renderText(report, { allowed: 'summary' }));
    matchesGolden('seed-forgets-dns.all.txt', renderText(report, { allowed: 'list' }));
  });

  it('markdown', () => {
    matchesGolden('seed-forgets-dns.md', renderMarkdown(report, { allowed: 'summary' }));
  });

  it('json: valid, versioned, every edge once in report order', () => {
    const text = renderJson(report);
    matchesGolden('seed-forgets-dns.json', text);
    const doc = JSON.parse(text) as { schemaVersion: number; edges: { status: string; workload: string | null }[]; workloads: unknown[] };
    expect(doc.schemaVersion).toBe(REPORT_SCHEMA_VERSION);
    expect(doc.edges).toHaveLength(SEED_EDGES.length);
    expect(doc.edges.map((e) => e.status).slice(0, 3)).toEqual(['breaks', 'dropped', 'not-governed']);
    expect(JSON.parse(renderJson({ ...report, namespaces: [] })).edges).toEqual([]);
  });

  it('coverage warnings head every format', () => {
    const short = seedReport(7, { first: T0, last: T0 + 90 * 60_000 }).report;
    for (const text of [renderText(short, { allowed: 'summary' }), renderMarkdown(short, { allowed: 'summary' })]) {
      expect(text).toContain('the observation window is 1h 30m (2026-01-05T00:00:00Z .. 2026-01-05T01:30:00Z), shorter than a day');
      expect(text).toContain('Hubble reported 7 lost events');
    }
  });
});

/** One x → x TCP/80 edge (2 flows) between pods of these labels, denied by a proposed deny-all in x. */
function denyReport(from: Record<string, string>, to: Record<string, string>) {
  const pod = (labels: Record<string, string>) => ({ kind: 'workload' as const, identity: { namespace: 'x', labels } });
  const deny: NetworkPolicy = { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'x' }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } };
  return buildBreakageReport(
    { edges: [edge(pod(from), pod(to), 'TCP', 80, 2)], namespaces: [], existing: [], proposed: [deny], observation: { lostEvents: 0 } },
    { defaultDeny: { kind: 'none' }, direction: 'ingress' },
  ).report;
}

describe('markdown tables', () => {
  it('escape a | in every cell, code spans included (GFM splits a row at each one)', () => {
    const report = denyReport({ k: 'pipe|val' }, { app: 'a|b' });
    const md = renderMarkdown(report, { allowed: 'list' });
    const rows = md.split('\n').filter((l) => l.includes('TCP/80'));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row.split(/(?<!\\)\|/)).toHaveLength(8); // 6 cells between 7 pipes
    expect(md).toContain('`x/k=pipe\\|val -> x/app=a\\|b TCP/80`');
  });
});

describe('a workload without labels', () => {
  it('is headed as its edges name it, in text and markdown', () => {
    const report = denyReport({}, { app: 'b' });
    const text = renderText(report, { allowed: 'list' });
    expect(text).toContain('\n  x/(no labels)\n    BREAKS        x/(no labels) -> x/app=b TCP/80');
    expect(text).not.toMatch(/^ {2}x\/$/m);
    const md = renderMarkdown(report, { allowed: 'list' });
    expect(md).toContain('#### `x/(no labels)`');
    expect(md).not.toContain('#### `x/`');
  });
});

describe('edges that keep working (allowed: summary)', () => {
  it('are counted only under a workload that has some', () => {
    const report = denyReport({ app: 'a' }, { app: 'b' }); // its one edge breaks: nothing keeps working
    expect(report.totals.allowed.edges).toBe(0);
    expect(renderText(report, { allowed: 'summary' })).not.toContain('keeps working:'); // the totals table still has its row
    expect(renderMarkdown(report, { allowed: 'summary' })).not.toContain('keeps working:');
    expect(renderText(seedReport().report, { allowed: 'summary' })).toContain('    keeps working: ');
  });
});

describe('--world-out', () => {
  it('is a probe-format world whose every probe `check` decides as the report did', () => {
    const result = seedReport();
    const world = parseWorld(JSON.stringify(reportWorld(result, 'seed')), 'world.json');
    const evaluated = result.report.totals.breaks.edges + result.report.totals.dropped.edges + result.report.totals.allowed.edges;
    expect(world.probes).toHaveLength(evaluated);
    expect(world.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual([
      'kube-system/kube-dns', 'monitoring/prometheus', 'production/api-server', 'production/frontend', 'production/postgres', 'staging/prometheus',
    ]);
    expect(world.externals).toEqual([{ name: '203.0.113.10', ip: '203.0.113.10' }]);
    const results = runProbes(world);
    expect(results.filter((r) => r.verdict.decision !== r.expected)).toEqual([]);
    expect(results.map((r) => r.expected)).toContain('deny');
    expect(results.map((r) => r.expected)).toContain('allow');
  });
});

describe('--default-deny', () => {
  it('parses a namespace list, all and none', () => {
    expect(parseDefaultDenyScope([])).toEqual({ kind: 'none' });
    expect(parseDefaultDenyScope(['none'])).toEqual({ kind: 'none' });
    expect(parseDefaultDenyScope(['all'])).toEqual({ kind: 'all' });
    expect(parseDefaultDenyScope(['b', 'a', 'b'])).toEqual({ kind: 'namespaces', namespaces: ['a', 'b'] });
    expect(() => parseDefaultDenyScope(['all', 'shop'])).toThrow(UsageError);
    expect(() => parseDefaultDenyScope(['shop', 'Prod'])).toThrow(/--default-deny: namespace name "Prod"/);
    expect(defaultDenyNamespaces({ kind: 'all' }, () => ['b', 'a', 'b'])).toEqual(['a', 'b']);
  });

  it('formats durations for the coverage warning', () => {
    expect([0, 40_000, 3_700_000, 90_061_000].map(duration)).toEqual(['0s', '40s', '1h 1m', '1d 1h']);
  });

  it('counts with the right plural, none included', () => {
    expect(countText({ edges: 0, flows: 1 })).toBe('0 edges, 1 flow');
    expect(countText({ edges: 1, flows: 2 })).toBe('1 edge, 2 flows');
  });
});
