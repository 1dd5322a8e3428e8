// `flowpol generate` with a cluster: the built CLI on the shop recording (shop-recording.ts),
// offline, with the `--inventory` snapshot of the shop cluster (shop-cluster.ts), and live against
// the fake API server serving that cluster (kubeconfig in a temp dir). Golden files:
// UPDATE_GOLDEN=1 rewrites them (test/golden/generate/shop-*.yaml; shop-world.yaml is the
// snapshot `flowpol inventory` prints for the fake cluster, the one the snapshot runs read).
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NetworkPolicy as K8sNetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { readInventoryFile } from '../../../src/k8s/inventory-file.js';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { openDatabase } from '../../../src/store/database.js';
import { loadEdges, loadNamespaces } from '../../../src/store/edges.js';
import { runCli, type CliResult } from '../../support/cli.js';
import { type FakeKubeApi, startFakeKubeApi, writeKubeconfig } from '../../support/fake-kube-api.js';
import { expectGolden } from '../../unit/generate/golden.js';
import { ProofWorld, prove } from '../../unit/generate/proof.js';
import { shopClusterData } from './shop-cluster.js';
import { shopRecording } from './shop-recording.js';

const TOKEN = 'generate-inventory-token-77';
/** shopRecording() as a file, for the README's steps (a test checks they agree). */
const RECORDING = fileURLToPath(new URL('./fixtures/shop.jsonl', import.meta.url));
let dir: string;
let api: FakeKubeApi;
let kubeconfig: string;
/** `flowpol inventory` of the fake cluster, written to world.yaml for the snapshot runs. */
let snapshot: CliResult;

/** The CLI run in the temp dir (relative --db/--inventory paths: the mode line is the same on every machine). */
const run = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> => runCli(['generate', '--db', 'shop.db', ...args], { cwd: dir, env });
const withoutModeLine = (yaml: string): string => yaml.replace(/^# cluster mode: .*\n/m, '');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-generate-inventory-'));
  const collected = await runCli(['collect', '--db', 'shop.db', '--input-file', RECORDING], { cwd: dir });
  if (collected.code !== 0) throw new Error(`collect failed (${collected.code}): ${collected.stderr}`);
  api = await startFakeKubeApi({ data: shopClusterData(), token: TOKEN });
  kubeconfig = writeKubeconfig(join(dir, 'kube'), api.url, TOKEN);
  snapshot = await runCli(['inventory', '--kubeconfig', kubeconfig], { cwd: dir });
  writeFileSync(join(dir, 'world.yaml'), snapshot.stdout);
}, 120_000);

afterAll(async () => {
  await api?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('flowpol generate with a cluster inventory', () => {
  it('the recording fixture is what shop-recording.ts writes', () => {
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(RECORDING, shopRecording());
    expect(readFileSync(RECORDING, 'utf8')).toBe(shopRecording());
  });

  it('the snapshot fixture is what `flowpol inventory` prints for the fake cluster', () => {
    expect(snapshot.stderr).toContain('14 pods (2 host-network)');
    expect(snapshot.code).toBe(0);
    expectGolden('shop-world.yaml', snapshot.stdout);
  });

  it('offline (the default without a kubeconfig) writes flows-only policies and says so', async () => {
    const r = await run([]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^flowpol: cluster mode: offline, flows only \(.+\)$/m);
    expect(r.stdout).not.toContain('cluster mode');
    expectGolden('shop-offline.yaml', r.stdout);
    const before = api.requests.length;
    const forced = await run(['--offline'], { KUBECONFIG: kubeconfig });
    expect(forced.stderr).toContain('flowpol: cluster mode: offline, flows only (--offline was given)');
    expect(forced.stdout).toBe(r.stdout);
    expect(api.requests).toHaveLength(before);
  });

  it('with --inventory selects workloads by their owners, notes the rest, and records the mode', async () => {
    const r = await run(['--inventory', 'world.yaml']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('flowpol: cluster mode: snapshot, inventory read from world.yaml');
    expect(r.stderr).toContain("flowpol: inventory: 6 workloads selected by their owner's selector");
    for (const code of ['no-pod', 'no-owner', 'several-owners', 'owner-selector-too-broad', 'host-network']) expect(r.stderr).toContain(`flowpol: note: [${code}] `);
    expect(r.stdout).toContain('# cluster mode: snapshot, inventory read from world.yaml\n');
    expectGolden('shop-inventory.yaml', r.stdout);
    const policies = parseAllDocuments(r.stdout).map((d) => d.toJS() as { metadata: { annotations: Record<string, string> }; spec: { podSelector: unknown } });
    const selectors = new Map(policies.map((p) => [p.metadata.annotations['flowpol.io/identity'], p.spec.podSelector]));
    expect(Object.fromEntries(selectors)).toEqual({
      'kube-system/k8s-app=kube-dns': { matchLabels: { 'k8s-app': 'kube-dns' } },
      'monitoring/app=prometheus': { matchLabels: { app: 'prometheus' } },
      // narrower owners' selectors
      'shop/app=api,tier=backend,version=v1': { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend'] }] },
      'shop/app=frontend,team=web,version=v2': { matchLabels: { app: 'frontend' } },
      'shop/app=postgres,component=db': { matchLabels: { app: 'postgres' } },
      'shop/app=cart,track=canary': { matchLabels: { app: 'cart', track: 'canary' } },
      // too broad, several owners, no owner, no pod: the observed labels
      'shop/app=cart': { matchLabels: { app: 'cart' }, matchExpressions: [{ key: 'track', operator: 'DoesNotExist' }] },
      'shop/app=worker': { matchLabels: { app: 'worker' } },
      'shop/run=debug': { matchLabels: { run: 'debug' } },
      'shop/app=legacy': { matchLabels: { app: 'legacy' } },
    }); // and none for the host-network monitoring/app=node-exporter
  });

  it('--named-ports writes declared names, never inside a port range', async () => {
    const r = await run(['--inventory', 'world.yaml', '--named-ports', '--port-ranges']);
    expect(r.code).toBe(0);
    expectGolden('shop-inventory-named-ports.yaml', r.stdout);
    const docs = parseAllDocuments(r.stdout);
    for (const doc of docs) expect(() => new K8sNetworkPolicy(doc.toJS()).validate()).not.toThrow();
    const api = docs.map((d) => d.toJS() as { metadata: { name: string }; spec: { ingress?: { ports: unknown[] }[] } }).find((p) => p.metadata.name === 'api-flowpol');
    expect(api?.spec.ingress?.flatMap((rule) => rule.ports)).toContainEqual({ protocol: 'TCP', port: 'http' });
    expect(api?.spec.ingress?.flatMap((rule) => rule.ports)).toContainEqual({ protocol: 'TCP', port: 8081, endPort: 8082 });
    const offline = await run(['--named-ports']);
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain('--named-ports needs a cluster');
  });

  it('-n and --out-dir keep the cluster\'s selectors and notes, and say the mode in every file', async () => {
    const all = parseAllDocuments((await run(['--inventory', 'world.yaml'])).stdout).map((d) => d.toJS() as { metadata: { namespace: string } });
    const shop = await run(['--inventory', 'world.yaml', '-n', 'shop']);
    expect(shop.code).toBe(0);
    expect(parseAllDocuments(shop.stdout).map((d) => d.toJS())).toEqual(all.filter((p) => p.metadata.namespace === 'shop'));
    expect(shop.stdout).not.toContain('[host-network] monitoring/');
    const out = await run(['--inventory', 'world.yaml', '--out-dir', 'out']);
    expect(out.code).toBe(0);
    expect(readdirSync(join(dir, 'out')).sort()).toEqual(['flowpol-notes.txt', 'kube-system.yaml', 'monitoring.yaml', 'shop.yaml']);
    for (const file of ['kube-system.yaml', 'monitoring.yaml', 'shop.yaml']) {
      expect(readFileSync(join(dir, 'out', file), 'utf8')).toContain('# cluster mode: snapshot, inventory read from world.yaml\n');
    }
    expect(readFileSync(join(dir, 'out', 'shop.yaml'), 'utf8')).toContain('# cluster: [several-owners] shop/app=worker: ');
    expect(readFileSync(join(dir, 'out', 'flowpol-notes.txt'), 'utf8')).toContain('[host-network] monitoring/app=node-exporter: ');
  });

  it('fails clearly on a missing snapshot, clashing flags and an unreachable cluster', async () => {
    const missing = await run(['--inventory', 'nope.yaml']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.yaml');
    expect(missing.stdout).toBe('');
    const clash = await run(['--inventory', 'world.yaml', '--offline']);
    expect(clash.code).toBe(2);
    const bad = await run(['--kubeconfig', writeKubeconfig(join(dir, 'bad'), api.url, 'wrong-token')]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).not.toContain('wrong-token');
  });

  it('live against the API server writes what the snapshot of it gives', async () => {
    for (const flags of [[], ['--named-ports']]) {
      const live = await run(['--kubeconfig', kubeconfig, ...flags]);
      expect(live.code, live.stderr).toBe(0);
      expect(live.stderr).toContain(`flowpol: cluster mode: live, context "fake" (${api.url}) from --kubeconfig`);
      expect(live.stdout).toContain(`# cluster mode: live, context "fake" (${api.url}) from --kubeconfig\n`);
      const snapshot = await run(['--inventory', 'world.yaml', ...flags]);
      expect(withoutModeLine(live.stdout)).toBe(withoutModeLine(snapshot.stdout));
      expect(live.stdout).not.toContain(TOKEN);
    }
  });

  it('is proven by the policy engine on the inventory world (named ports resolved on the pods)', async () => {
    const inventory = await readInventoryFile(join(dir, 'world.yaml'));
    const handle = openDatabase(join(dir, 'shop.db'), { readonly: true });
    const edges = loadEdges(handle);
    const namespaces = loadNamespaces(handle);
    handle.close();
    for (const namedPorts of [false, true]) {
      const set = generatePolicies({ edges, namespaces, cluster: { inventory, mode: 'cluster mode: test' } }, { ...DEFAULT_GENERATE_OPTIONS, namedPorts });
      const world = new ProofWorld(set, edges, namespaces, inventory);
      const proof = prove(world);
      expect(proof.failures).toEqual([]);
      expect(proof.allowed).toBeGreaterThan(10);
      expect(proof.checked).toBeGreaterThan(1000);
      expect([...world.strangers.keys()]).toEqual(['pod:shop/report-29000-iiiii']); // denied everything, checked too
    }
  });
});
