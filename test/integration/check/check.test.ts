// `flowpol check`: golden outputs for the seed world (in-process and via the built CLI), every
// truth-table world through the built CLI, exit codes and error messages.
// Update the golden files with UPDATE_GOLDEN=1.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeJson, renderWorld } from '../../../src/cli/commands/check.js';
import { parseWorld, runProbes } from '../../../src/policy/world-file.js';
import { REPO_ROOT, runCli } from '../../support/cli.js';

const GOLDEN = join(import.meta.dirname, 'golden');
const SEED = 'test/worlds/seed-three-tier.json';
const WORLDS = readdirSync(join(REPO_ROOT, 'test/worlds')).filter((f) => f.endsWith('.json')).sort().map((f) => `test/worlds/${f}`);

function golden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

function seedInProcess() {
  const world = parseWorld(readFileSync(join(REPO_ROOT, SEED), 'utf8'), SEED);
  return { world, results: runProbes(world) };
}

describe('flowpol check (in-process)', () => {
  it('renders the seed world table', () => {
    const { world, results } = seedInProcess();
    golden('seed-three-tier.table.txt', `${renderWorld(world, results)}16 passed, 0 failed\n`);
  });

  it('renders the seed world as JSON lines in the probe-format shape', () => {
    const { results } = seedInProcess();
    golden('seed-three-tier.jsonl', results.map((r) => `${JSON.stringify(probeJson(r))}\n`).join(''));
    expect(probeJson(results[1]!)).toEqual({
      case: 'seed-three-tier', from: 'production/api', to: 'production/postgres', port: 5432, protocol: 'TCP', verdict: 'allow', expected: 'allow',
      egress: { isolated: true, allowedBy: ['production/api-to-database-egress'] },
      ingress: { isolated: true, allowedBy: ['production/database-ingress-from-api'] },
    });
    expect(probeJson(results[0]!)).toMatchObject({ verdict: 'deny', egress: { isolated: true, denied: true, isolatedBy: ['production/allow-dns', 'production/default-deny-all'] } });
  });

  it('renders every truth-table world without a mismatch', () => {
    for (const file of WORLDS) {
      const world = parseWorld(readFileSync(join(REPO_ROOT, file), 'utf8'), file);
      const results = runProbes(world);
      expect(renderWorld(world, results), file).not.toContain('MISMATCH');
    }
  });

  it("a pod's traffic to itself is allowed and said to be loopback, whatever isolates it", () => {
    const file = 'test/worlds/api-loopback.json';
    const results = runProbes(parseWorld(readFileSync(join(REPO_ROOT, file), 'utf8'), file));
    expect(results.map((r) => `${r.from}>${r.to} ${r.verdict.decision}`)).toEqual(['x/a>x/a allow', 'x/a>x/a allow', 'x/b>x/b allow', 'x/a>x/b deny', 'x/b>x/a deny']);
    const self = probeJson(results[0]!);
    expect([self.egress, self.ingress]).toEqual([{ isolated: false, governed: false, loopback: true }, { isolated: false, governed: false, loopback: true }]);
    expect(renderWorld(parseWorld(readFileSync(join(REPO_ROOT, file), 'utf8'), file), results)).toContain('egress: a pod to itself, not governed; ingress: a pod to itself, not governed');
  });

  it("docs/world-format.md's example world is valid and its probe passes", () => {
    const doc = readFileSync(join(REPO_ROOT, 'docs/world-format.md'), 'utf8');
    const example = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const world = parseWorld(example, 'docs/world-format.md');
    expect(runProbes(world).map((r) => [r.from, r.to, r.expected, r.verdict.decision])).toEqual([['prod/web', 'prod/api', 'allow', 'allow']]);
  });
});

describe('flowpol check (built CLI)', () => {
  it('prints the seed table exactly as the golden file and exits 0', async () => {
    const r = await runCli(['check', SEED]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    golden('seed-three-tier.table.txt', r.stdout);
  });

  it('prints JSON lines with -o json', async () => {
    const r = await runCli(['check', SEED, '-o', 'json']);
    expect(r.code).toBe(0);
    golden('seed-three-tier.jsonl', r.stdout);
    expect(r.stderr).toBe('flowpol: 16 passed, 0 failed\n');
  });

  it('passes every truth-table world', async () => {
    const r = await runCli(['check', ...WORLDS]);
    const probes = WORLDS.reduce((n, f) => n + (JSON.parse(readFileSync(join(REPO_ROOT, f), 'utf8')) as { probes: unknown[] }).probes.length, 0);
    // One world keeps np-guard's ambiguous ipBlock as written (their expectations read it as the /24).
    expect(r.stderr).toBe(
      'flowpol: warning: test/worlds/npguard-egress-ports-any-destination.json (policies[0].spec.egress[0].to[1].ipBlock.cidr): policy default/vary-egress-37-0-0-0-19: '
      + '"192.168.242.213/24" has host bits set: flowpol reads it as 192.168.242.0/24 (as Cilium does), other CNIs may not; write 192.168.242.0/24, or 192.168.242.213/32 for the one address\n',
    );
    expect(r.stdout.split('\n').filter((l) => l.startsWith('case '))).toHaveLength(WORLDS.length);
    expect(r.stdout.endsWith(`\n${probes} passed, 0 failed\n`)).toBe(true);
    expect(r.code).toBe(0);
  });

  it('exits 1 and marks the row when a probe differs from its expectation', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-check-'));
    const seed = JSON.parse(readFileSync(join(REPO_ROOT, SEED), 'utf8')) as { probes: { expected: string }[] };
    seed.probes[0]!.expected = 'allow';
    writeFileSync(join(dir, 'w.json'), JSON.stringify(seed));
    const r = await runCli(['check', join(dir, 'w.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('allow (MISMATCH)');
    expect(r.stdout.endsWith('\n15 passed, 1 failed\n')).toBe(true);
  });

  it('adds --policies from a directory to every world', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-check-'));
    writeFileSync(join(dir, 'w.json'), JSON.stringify({ name: 'w', pods: [{ namespace: 'x', name: 'a' }, { namespace: 'x', name: 'b' }],
      probes: [{ from: 'x/a', to: 'x/b', port: 80, protocol: 'TCP', expected: 'deny' }] }));
    const policies = join(dir, 'policies');
    mkdirSync(policies);
    writeFileSync(join(policies, 'deny.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: x}\nspec: {podSelector: {}}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n');
    const without = await runCli(['check', join(dir, 'w.json')]);
    expect(without.code).toBe(1);
    const r = await runCli(['check', join(dir, 'w.json'), '--policies', policies]);
    expect(r.stderr).toBe(`flowpol: ${join(policies, 'deny.yaml')}:6: skipped a ConfigMap (not a NetworkPolicy)\n`);
    expect(r.stdout).toContain('ingress denied: isolated by x/deny');
    expect(r.code).toBe(0);
  });

  it.each([
    ['an unknown pod', { probes: [{ from: 'x/a', to: 'x/ghost', port: 80 }] }, '(probes[0].to): "x/ghost" is not a pod'],
    ['an invalid operator', { policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'x' },
      spec: { podSelector: { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['b'] }] } } }] },
    '(policies[0].spec.podSelector.matchExpressions[0].operator): policy x/p: "Equals" is not a valid selector operator'],
    ['an invalid CIDR', { policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'x' },
      spec: { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/40' } }] }] } }] }, '(policies[0].spec.egress[0].to[0].ipBlock.cidr): policy x/p:'],
    ['a bad port name', { policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'p', namespace: 'x' },
      spec: { podSelector: {}, ingress: [{ ports: [{ port: 'Http_Port' }] }] } }] }, '(policies[0].spec.ingress[0].ports[0].port): policy x/p: port name "Http_Port" is not a valid IANA_SVC_NAME'],
  ])('rejects %s naming the file and JSON path (exit 1)', async (_what, patch, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-check-'));
    const file = join(dir, 'world.json');
    writeFileSync(file, JSON.stringify({ name: 'w', pods: [{ namespace: 'x', name: 'a' }], probes: [], ...patch }));
    const r = await runCli(['check', file]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`${file} ${message}`);
  });

  it('warns about a world with no probes (nothing was checked), exit 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-check-'));
    const file = join(dir, 'empty.json');
    writeFileSync(file, JSON.stringify({ name: 'w', pods: [{ namespace: 'x', name: 'a' }] }));
    const r = await runCli(['check', file, SEED]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`flowpol: warning: ${file}: the world has no probes; nothing was checked\n`);
  });

  it('documents itself with examples', async () => {
    const r = await runCli(['check', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Examples:');
    expect(r.stdout).toContain('an ipBlock matches only externals');
  });
});
