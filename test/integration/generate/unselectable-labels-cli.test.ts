// The built CLI on a recording whose pods carry labels Kubernetes refuses (`k=v=w`, `pipe|val`,
// a key with two slashes), or live in namespaces whose names it refuses (`y-é`, `Bad_NS`):
// `generate` writes no selector for them and says so, and both `report --proposed <its output>`
// and `report --proposed generated` then run, with `--default-deny all` too.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { hubbleRecording, namespaceLabels, podEnd } from '../../support/hubble-recording.js';

const NS = namespaceLabels('x');
const dst = podEnd('x', 'dst-0', 1001, '10.0.0.1', { app: 'dst' }, NS);
const good = podEnd('x', 'good-0', 1002, '10.0.0.2', { app: 'good' }, NS);
const BAD: Record<string, string>[] = [{ k: 'v=w' }, { k: 'pipe|val' }, { 'a/b/c': 'x' }];
let dir: string;
let db: string;
/** Flows between x and the namespaces `y-é` and `Bad_NS`. */
let badNsDb: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-badlabels-'));
  db = join(dir, 'f.db');
  const connections = [
    { from: good, to: dst, protocol: 'TCP' as const, port: 80, count: 2 },
    ...BAD.map((labels, i) => ({ from: podEnd('x', `bad-${i}`, 2000 + i, `10.0.1.${i}`, { app: 'bad', ...labels }, NS), to: dst, protocol: 'TCP' as const, port: 80, count: 1 })),
  ];
  writeFileSync(join(dir, 'flows.jsonl'), hubbleRecording(connections, { start: Date.UTC(2024, 4, 1, 10), spanMs: 600_000, node: 'n1' }));
  const r = await runCli(['collect', '--db', db, '--input-file', join(dir, 'flows.jsonl')]);
  if (r.code !== 0) throw new Error(r.stderr);
  badNsDb = join(dir, 'ns.db');
  const outside = ['y-é', 'Bad_NS'].map((ns, i) => podEnd(ns, `out-${i}`, 3000 + i, `10.0.2.${i}`, { app: 'out' }, namespaceLabels(ns)));
  const crossing = [
    { from: good, to: dst, protocol: 'TCP' as const, port: 80, count: 2 },
    { from: outside[0]!, to: dst, protocol: 'TCP' as const, port: 80, count: 1 },
    { from: good, to: outside[1]!, protocol: 'TCP' as const, port: 443, count: 1 },
  ];
  writeFileSync(join(dir, 'ns.jsonl'), hubbleRecording(crossing, { start: Date.UTC(2024, 4, 1, 10), spanMs: 600_000, node: 'n1' }));
  const n = await runCli(['collect', '--db', badNsDb, '--input-file', join(dir, 'ns.jsonl')]);
  if (n.code !== 0) throw new Error(n.stderr);
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('labels Kubernetes refuses, end to end', () => {
  it('generate writes valid policies and a note per refused label; report reads them back', async () => {
    const gen = await runCli(['generate', '--db', db]);
    expect(gen.code).toBe(0);
    const manifest = gen.stdout.split('\n').filter((l) => !/^\s*#/.test(l) && !l.includes('flowpol.io/identity')).join('\n');
    expect(manifest).not.toMatch(/v=w|pipe\|val|a\/b\/c/);
    expect(gen.stdout).toContain('not-expressible-labels: 3 edges, 3 flows');
    expect(gen.stderr).toContain('(label k=v=w: label value "v=w" must be empty or consist of');
    expect(gen.stderr).toContain('(label a/b/c=x: label key "a/b/c" may contain at most one "/")');
    writeFileSync(join(dir, 'p.yaml'), gen.stdout);
    const fromFile = await runCli(['report', '--db', db, '--proposed', join(dir, 'p.yaml'), '-o', 'json']);
    expect(fromFile.stderr).not.toContain('E_POLICY');
    expect(fromFile.code).toBe(0);
    const generated = await runCli(['report', '--db', db, '--proposed', 'generated', '-o', 'json']);
    expect(generated.code).toBe(0);
    // Like an unlabelled workload: the policy of x/app=dst admits only app=good; the rest would break.
    for (const out of [fromFile.stdout, generated.stdout]) {
      const report = JSON.parse(out) as { totals: Record<string, { edges: number }> };
      expect(report.totals.allowed?.edges).toBe(1);
      expect(report.totals.breaks?.edges).toBe(3);
    }
  });
});

describe('namespace names Kubernetes refuses, end to end', () => {
  it('generate writes no policy in or for them, with a note naming each', async () => {
    const gen = await runCli(['generate', '--db', badNsDb]);
    expect(gen.code).toBe(0);
    expect(gen.stdout).not.toMatch(/namespace: (y-é|Bad_NS)|: (y-é|Bad_NS)$/m);
    expect(gen.stdout).toContain('not-expressible-namespace-name: 2 edges, 2 flows');
    expect(gen.stderr).toContain('Bad_NS/app=out');
    expect(gen.stderr).toContain('(namespace y-é)');
    writeFileSync(join(dir, 'ns.yaml'), gen.stdout);
    const fromFile = await runCli(['report', '--db', badNsDb, '--proposed', join(dir, 'ns.yaml'), '--default-deny', 'all', '-o', 'json']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
  });

  it('report --default-deny all leaves them out with a warning; naming one is a usage error', async () => {
    const r = await runCli(['report', '--db', badNsDb, '--proposed', 'generated', '--default-deny', 'all', '-o', 'json']);
    expect(r.code, r.stderr).toBe(0);
    for (const ns of ['Bad_NS', 'y-é']) {
      expect(r.stderr).toContain(`flowpol: warning: flows show namespace "${ns}", a name Kubernetes refuses (not a lowercase DNS label); --default-deny all leaves it out\n`);
    }
    const report = JSON.parse(r.stdout) as { defaultDeny: unknown; totals: Record<string, { edges: number }> };
    expect(report.defaultDeny).toEqual({ namespaces: ['x'], direction: 'both', unnamable: ['Bad_NS', 'y-é'] });
    expect(report.totals.allowed?.edges).toBe(1);
    expect(report.totals.breaks?.edges).toBe(2);
    const named = await runCli(['report', '--db', badNsDb, '--default-deny', 'x,Bad_NS']);
    expect(named.code).toBe(2);
    expect(named.stderr).toContain('--default-deny: namespace name "Bad_NS" must be a lowercase DNS label (e.g. prod)');
  });

  it('report --world-out leaves their workloads out, so flowpol check accepts the world and agrees', async () => {
    for (const [database, left] of [[badNsDb, 'Bad_NS, y-é'], [db, 'x']] as const) {
      const file = join(dir, `world-${left.length}.json`);
      const r = await runCli(['report', '--db', database, '--proposed', 'generated', '--default-deny', 'all', '-o', 'json', '--world-out', file]);
      expect(r.code, r.stderr).toBe(0);
      const world = JSON.parse(readFileSync(file, 'utf8')) as { note: string; probes: unknown[] };
      expect(world.note).toContain(`Left out: the workloads whose namespace name or labels Kubernetes refuses (in ${left}), and their probes.`);
      expect(world.probes.length).toBeGreaterThan(0);
      const check = await runCli(['check', file]);
      expect(check.stderr).toBe('');
      expect(check.code).toBe(0);
    }
  });
});
