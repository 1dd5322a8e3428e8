// A recording whose namespace carries an escape sequence and a newline (only a hostile or broken
// file can): the human-readable outputs escape them, so they can neither drive the terminal nor
// break a table row; JSON escapes them by itself.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const NS = 'evil\u001b[31mred\nline';
let dir: string;
let db: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-hostile-out-'));
  const end = (namespace: string, app: string) => ({ namespace, labels: [`k8s:app=${app}`, `k8s:io.kubernetes.pod.namespace=${namespace}`], pod_name: `${app}-1`, identity: 1000 });
  const flow = {
    time: '2026-01-05T08:00:00Z', verdict: 'FORWARDED', IP: { source: '10.0.0.1', destination: '10.0.1.1', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: 40000, destination_port: 8080, flags: { SYN: true } } }, source: end(NS, 'a'), destination: end('prod', 'b'),
    Type: 'L3_L4', traffic_direction: 'EGRESS', is_reply: false, event_type: { type: 4 },
  };
  writeFileSync(join(dir, 'hostile.jsonl'), `${JSON.stringify({ flow })}\n`);
  db = join(dir, 'h.db');
  const r = await runCli(['collect', '--db', db, '--input-file', join(dir, 'hostile.jsonl')]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('edges: one row per edge, the namespace escaped', async () => {
  const r = await runCli(['edges', '--db', db]);
  expect(r.stdout).not.toMatch(CONTROL);
  expect(r.stdout.trimEnd().split('\n')).toHaveLength(2);
  expect(r.stdout).toContain('workload:evil\\x1b[31mred\\nline/app=a');
});

it('report text, markdown and warnings escape it; JSON keeps it exactly', async () => {
  for (const output of ['text', 'markdown']) {
    const r = await runCli(['report', '--db', db, '--default-deny', 'all', '-o', output]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b/);
    expect(r.stdout).toContain('evil\\x1b[31mred');
  }
  const json = await runCli(['report', '--db', db, '-o', 'json']);
  expect(JSON.stringify(JSON.parse(json.stdout))).toContain(JSON.stringify(NS).slice(1, -1));
  const warned = await runCli(['report', '--db', db, '--default-deny', 'all']);
  expect(warned.stderr).toContain('flowpol: warning: flows show namespace "evil\\x1b[31mred\\nline", a name Kubernetes refuses');
});
