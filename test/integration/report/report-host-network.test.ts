// `flowpol report` connected through `--inventory`, by the built CLI (run `npm run build` first),
// treats a host-network workload as `flowpol generate` does: the shop recording (prometheus
// scraping the host-network node-exporter DaemonSet on :9100) with the shop cluster's snapshot
// (both the generate suite's fixtures). Rolling out the generated policies with a default-deny,
// that scrape is not governed by NetworkPolicy, with the reason, never "would break"; offline
// (flows only, nothing says the pod is on the host network) it is evaluated and breaks; the
// world written by --world-out has no node-exporter pod and `flowpol check` agrees with it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type CliResult } from '../../support/cli.js';
import { expectCheckAgrees } from './world-agreement.js';

const RECORDING = 'test/integration/generate/fixtures/shop.jsonl';
const SNAPSHOT = 'test/golden/generate/shop-world.yaml';
const SCRAPE = 'monitoring/app=prometheus -> monitoring/app=node-exporter TCP/9100';
const REASON = 'a host-network pod (the inventory says so, or the address is a node\'s); it uses its node\'s network, NetworkPolicy does not apply to it and no podSelector selects it — if a default-deny blocks it, allow its nodes yourself (Cilium: the host/remote-node entities in a CiliumNetworkPolicy, or an ipBlock of the node addresses with policy-cidr-match-mode=nodes)';
const ROLLOUT = ['--proposed', 'generated', '--default-deny', 'all'];

interface JsonEdge { workload?: string; status: string; title: string; reason: string; notGoverned: { code: string } | null }

let dir: string;
let db: string;

async function report(args: string[]): Promise<CliResult> {
  const r = await runCli(['report', '--db', db, ...args]);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

async function scrape(args: string[]): Promise<JsonEdge> {
  const edges = (JSON.parse((await report(['-o', 'json', ...args])).stdout) as { edges: JsonEdge[] }).edges;
  const found = edges.filter((e) => e.title === SCRAPE);
  expect(found).toHaveLength(1);
  return found[0] as JsonEdge;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-report-host-network-'));
  db = join(dir, 'shop.db');
  const collected = await runCli(['collect', '--db', db, '--input-file', RECORDING]);
  expect(collected.code, collected.stderr).toBe(0);
});

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

describe('flowpol report --inventory with a host-network workload', () => {
  it('the scrape of the host-network node-exporter is not governed, with the reason (-o json)', async () => {
    const e = await scrape(['--inventory', SNAPSHOT, ...ROLLOUT]);
    expect(e.status).toBe('not-governed');
    expect(e.notGoverned?.code).toBe('not-governed-host-network');
    expect(e.reason).toBe(`${REASON}; the source pod is isolated for egress by monitoring/flowpol-simulated-default-deny, monitoring/prometheus-flowpol: the CNI decides, check it`);
    expect(e.workload).toBe('monitoring/app=prometheus');
  });

  it('the same scrape seen by the node address (172.18.0.3, a node-exporter pod\'s) is not governed either, so nothing breaks', async () => {
    const edges = (JSON.parse((await report(['-o', 'json', '--inventory', SNAPSHOT, ...ROLLOUT])).stdout) as { edges: JsonEdge[] }).edges;
    const byAddress = edges.filter((e) => e.title === 'monitoring/app=prometheus -> 172.18.0.3/32 TCP/9100');
    expect(byAddress.map((e) => [e.status, e.notGoverned?.code])).toEqual([['not-governed', 'not-governed-host-network']]);
    expect(edges.filter((e) => e.status === 'breaks')).toEqual([]);
  });

  it('says so in the text report, not as a break', async () => {
    const r = await report(['--inventory', SNAPSHOT, ...ROLLOUT]);
    expect(r.stdout).toMatch(new RegExp(`\\n    NOT GOVERNED  ${SCRAPE}  \\(8 flows, [^\\n]+\\)\\n {18}${REASON.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    expect(r.stdout).not.toContain(`BREAKS        ${SCRAPE}`);
  });

  it('offline, nothing says the pod is on the host network: the same edge is evaluated and breaks', async () => {
    const e = await scrape(['--offline', '--default-deny', 'all']);
    expect(e.status).toBe('breaks');
    expect(e.notGoverned).toBeNull();
  });

  it('--world-out writes no node-exporter pod and no probe for it; `flowpol check` agrees', async () => {
    const file = join(dir, 'shop.world.json');
    const r = await report(['-o', 'json', '--world-out', file, '--inventory', SNAPSHOT, ...ROLLOUT]);
    await expectCheckAgrees(r, file);
    const world = JSON.parse(readFileSync(file, 'utf8')) as { pods: { namespace: string; labels: Record<string, string> }[]; probes: { from: string; to: string }[] };
    expect(world.pods.filter((p) => p.labels.app === 'node-exporter')).toEqual([]);
    expect(world.pods.some((p) => p.namespace === 'monitoring' && p.labels.app === 'prometheus')).toBe(true);
    expect(world.probes.filter((p) => p.to.startsWith('monitoring/node-exporter') || p.from.startsWith('monitoring/node-exporter'))).toEqual([]);
  });
});
