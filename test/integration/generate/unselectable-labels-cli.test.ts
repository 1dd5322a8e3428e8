// The built CLI on a recording whose pods carry labels Kubernetes refuses (`k=v=w`, `pipe|val`,
// a key with two slashes): `generate` writes no selector for them and says so, and both
// `report --proposed <its output>` and `report --proposed generated` then run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
