// User mistakes `flowpol report` (and `check --policies`) must not pass silently, through the built
// CLI (run `npm run build` first) on the seed recording: a --default-deny namespace nothing shows
// (a typo), and --existing/--proposed/--policies files or directories holding no NetworkPolicy
// (what a failed `flowpol generate > p.yaml` leaves). Warnings on stderr; exit codes unchanged.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { SNAPSHOT, useSeedDb } from './seed-db.js';

const seed = useSeedDb('flowpol-report-mistakes-');
const OFFLINE = /^flowpol: cluster mode: offline, flows only \([^\n]*\)\n/;
const typo = (shows: string): string => `flowpol: warning: --default-deny names namespace kube-sytem, which ${shows}; it simulates nothing\n`;

async function report(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli(['report', '--db', seed.db, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

describe('--default-deny naming a namespace nothing shows', () => {
  it('warns on stderr, still simulates it as asked, and lists it in -o json', async () => {
    const text = await report(['--default-deny', 'kube-sytem,production']);
    expect(text.stderr.replace(OFFLINE, '')).toBe(typo('no observed flow shows'));
    expect(text.stdout).toContain('2 simulated default-deny (ingress and egress) in kube-sytem, production');
    const json = await report(['-o', 'json', '--default-deny', 'kube-sytem']);
    expect(json.stderr.replace(OFFLINE, '')).toBe(typo('no observed flow shows'));
    expect((JSON.parse(json.stdout) as { defaultDeny: unknown }).defaultDeny).toEqual({ namespaces: ['kube-sytem'], direction: 'both', unknown: ['kube-sytem'] });
  });

  it('says nothing for a namespace the flows show (either end of an edge, or -n leaving its edges out but labels known)', async () => {
    for (const args of [['--default-deny', 'kube-system,monitoring,production'], ['--default-deny', 'monitoring', '-n', 'kube-system']]) {
      const r = await report(['-o', 'json', ...args]);
      expect(r.stderr).toMatch(new RegExp(`${OFFLINE.source}$`));
      expect((JSON.parse(r.stdout) as { defaultDeny: { unknown?: string[] } }).defaultDeny.unknown).toBeUndefined();
    }
  });

  it('counts the cluster inventory\'s namespaces as known, and says the cluster does not show the typo either', async () => {
    const inventory = join(seed.dir, 'with-batch.yaml');
    writeFileSync(inventory, readFileSync(SNAPSHOT, 'utf8').replace(/^namespaces:\n/m, 'namespaces:\n  - name: batch\n    labels:\n      kubernetes.io/metadata.name: batch\n'));
    const r = await report(['--inventory', inventory, '--default-deny', 'batch,kube-sytem']);
    expect(r.stderr).toBe(`flowpol: cluster mode: snapshot, inventory read from ${inventory}\n${typo('no observed flow (nor the cluster) shows')}`);
  });
});

describe('policy files holding no NetworkPolicy', () => {
  const files = (): { empty: string; comments: string; dir: string; deployment: string } => {
    const dir = join(seed.dir, 'nothing');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'later.yaml'), '# nothing yet\n');
    const empty = join(seed.dir, 'empty.yaml');
    const comments = join(seed.dir, 'comments.yaml');
    const deployment = join(seed.dir, 'deployment.yaml');
    writeFileSync(empty, '');
    writeFileSync(comments, '# flowpol generate failed\n---\n');
    writeFileSync(deployment, 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n');
    return { empty, comments, dir, deployment };
  };

  it('report warns for each --existing and --proposed path that yields none, after the skipped objects', async () => {
    const f = files();
    const r = await report(['--existing', f.dir, '--proposed', f.empty, '--proposed', f.comments, '--proposed', f.deployment, '--proposed', 'test/integration/report/fixtures/forgets-dns.yaml']);
    expect(r.stderr.replace(OFFLINE, '')).toBe([
      `flowpol: ${f.deployment}:1: skipped a Deployment (not a NetworkPolicy)`,
      ...[f.dir, f.empty, f.comments, f.deployment].map((p) => `flowpol: warning: ${p} holds no NetworkPolicy`),
    ].join('\n') + '\n');
  });

  it('check --policies warns too, and keeps its exit code', async () => {
    const f = files();
    const world = join(seed.dir, 'w.json');
    writeFileSync(world, JSON.stringify({ name: 'w', pods: [{ namespace: 'x', name: 'a' }], probes: [{ from: 'x/a', to: 'x/a', port: 80, protocol: 'TCP', expected: 'allow' }] }));
    const r = await runCli(['check', world, '--policies', f.empty]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`flowpol: warning: ${f.empty} holds no NetworkPolicy\n`);
  });
});

describe('an ipBlock with host bits set (accepted by the API server, read differently by CNIs)', () => {
  const ambiguous = (): string => {
    const file = join(seed.dir, 'hostbits.yaml');
    writeFileSync(file, [
      'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: egress-out', '  namespace: production', 'spec:',
      '  podSelector: {}', '  egress:', '  - to:', '    - ipBlock:', '        cidr: 203.0.113.9/24', '',
    ].join('\n'));
    return file;
  };
  // Line 11: the cidr itself, not the policy's first line.
  const warning = (file: string): string => `flowpol: warning: ${file}:11 (spec.egress[0].to[0].ipBlock.cidr): policy production/egress-out: "203.0.113.9/24" has host bits set: `
    + 'flowpol reads it as 203.0.113.0/24 (as Cilium does), other CNIs may not; write 203.0.113.0/24, or 203.0.113.9/32 for the one address\n';

  it('report warns once, naming the file, field and both unambiguous spellings', async () => {
    const file = ambiguous();
    const r = await report(['--proposed', file]);
    expect(r.stderr.replace(OFFLINE, '')).toBe(warning(file));
  });

  it('check --policies warns once for all its worlds', async () => {
    const file = ambiguous();
    const world = join(seed.dir, 'w2.json');
    writeFileSync(world, JSON.stringify({ name: 'w', pods: [{ namespace: 'x', name: 'a' }], probes: [{ from: 'x/a', to: 'x/a', port: 80 }] }));
    const r = await runCli(['check', world, world, '--policies', file]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(warning(file));
  });
});

describe('an unquoted yes/no/on/off (a string to flowpol, a boolean to kubectl)', () => {
  const file = (): string => {
    const path = join(seed.dir, 'yaml11.yaml');
    writeFileSync(path, [
      'apiVersion: networking.k8s.io/v1', 'kind: NetworkPolicy', 'metadata:', '  name: web', '  namespace: production', 'spec:',
      '  podSelector:', '    matchLabels:', '      app: frontend', '      tls: on', '',
    ].join('\n'));
    return path;
  };
  const warning = (path: string): string => `flowpol: warning: ${path}:10: unquoted on is the string "on" to flowpol (YAML 1.2) `
    + 'but a boolean to kubectl (YAML 1.1), which would reject or change it; quote it\n';

  it('report and check --policies say so, naming the file and line, and evaluate the string', async () => {
    const path = file();
    for (const flag of ['--existing', '--proposed']) {
      const r = await report(['-o', 'json', flag, path]);
      expect(r.stderr.replace(OFFLINE, '')).toBe(warning(path));
    }
    const world = join(seed.dir, 'w3.json');
    writeFileSync(world, JSON.stringify({
      name: 'w', pods: [{ namespace: 'production', name: 'a', labels: { app: 'frontend', tls: 'on' } }, { namespace: 'production', name: 'b' }],
      probes: [{ from: 'production/b', to: 'production/a', port: 80, expected: 'deny' }],
    }));
    const r = await runCli(['check', world, '--policies', path]);
    expect(r.code, r.stdout).toBe(0); // the policy selects the pod labelled tls=on: it is isolated
    expect(r.stderr).toBe(warning(path));
  });
});
