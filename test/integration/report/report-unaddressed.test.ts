// `flowpol report`, by the built CLI (run `npm run build` first), on traffic between a pod and
// peers with no pod and no address flowpol knows (fixtures/unaddressed-peers.jsonl: a remote node
// and the kube-apiserver, both ways; and one pod-to-pod edge). NetworkPolicy cannot name them, but an isolated pod's side
// still denies them unless a rule admits every peer (or an ipBlock might cover them): under a
// default-deny they would break, --exit-code says so, and the world --world-out writes holds the
// other edges only. (QA: they were "not governed" and --exit-code exited 0.)
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { expectCheckAgrees } from './world-agreement.js';

const RECORDING = 'test/integration/report/fixtures/unaddressed-peers.jsonl';

interface JsonEdge { status: string; title: string; reason: string; notGoverned: { code: string } | null }

let dir: string;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-report-unaddressed-'));
  db = join(dir, 'flows.db');
  const r = await runCli(['collect', '--input-file', RECORDING, '--db', db]);
  expect(r.code, r.stderr).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const edges = async (args: string[]): Promise<JsonEdge[]> => {
  const r = await runCli(['report', '--db', db, '-o', 'json', ...args]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { edges: JsonEdge[] }).edges;
};

it('under a default-deny every one of them would break, with the reason, and --exit-code exits 3', async () => {
  const listed = await edges(['--default-deny', 'all']);
  expect(listed.map((e) => `${e.status} ${e.title}`).sort()).toEqual([
    'breaks reserved:kube-apiserver -> shop/app=api TCP/9443',
    'breaks reserved:remote-node -> shop/app=api TCP/8080',
    'breaks shop/app=api -> reserved:kube-apiserver TCP/6443',
    'breaks shop/app=api -> reserved:remote-node TCP/10250',
    'breaks shop/app=web -> shop/app=api TCP/8080',
  ]);
  expect(listed.find((e) => e.title.endsWith('TCP/6443'))?.reason).toBe('egress at the source denied: isolated by shop/flowpol-simulated-default-deny; no rule comes close; '
    + 'reserved:kube-apiserver is no pod and has no address flowpol knows, and no rule of the isolating policies admits every peer, nor names an ipBlock, on this port: '
    + 'denied whatever its address, on any CNI (unless the pod runs on a node that serves the kube-apiserver: its own node is always allowed)');
  const gate = await runCli(['report', '--db', db, '--default-deny', 'all', '--exit-code']);
  expect(gate.code).toBe(3);
});

it('without isolation they keep being not governed; with an ipBlock rule on the port the address and the CNI decide', async () => {
  expect((await edges([])).map((e) => e.status).sort()).toEqual(['allowed', 'not-governed', 'not-governed', 'not-governed', 'not-governed']);
  const policies = join(dir, 'apiserver.yaml');
  writeFileSync(policies, `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: to-apiserver, namespace: shop }
spec:
  podSelector: {}
  policyTypes: [Egress]
  egress:
    - to: [{ ipBlock: { cidr: 192.168.0.0/24 } }]
      ports: [{ port: 6443 }]
`);
  const listed = await edges(['--default-deny', 'all', '--proposed', policies]);
  expect(listed.find((e) => e.title.endsWith('TCP/6443'))).toMatchObject({ status: 'not-governed', notGoverned: { code: 'not-governed-kube-apiserver' } });
  expect(listed.filter((e) => e.status === 'breaks')).toHaveLength(4);
});

it('--world-out leaves them out (the world cannot hold an end with no address), says so, and `flowpol check` agrees with the rest', async () => {
  const world = join(dir, 'world.json');
  const r = await runCli(['report', '--db', db, '--default-deny', 'all', '--show-allowed', '-o', 'json', '--world-out', world]);
  expect(r.code, r.stderr).toBe(0);
  await expectCheckAgrees(r, world);
  expect((JSON.parse(readFileSync(world, 'utf8')) as { note: string }).note).toContain('4 evaluated edges have no probe: the other end has no pod and no address');
});
