// `flowpol report` connected to a cluster, through the built CLI (run `npm run build` first): the
// seed recording with the seed cluster (seed-inventory-cluster.ts) served by the fake API server
// live, and as the snapshot fixtures/seed-inventory.yaml. Goldens with the inventory and without
// it (offline, the cluster's policies given as files), live = snapshot, --existing replacing the
// cluster's policies, and agreement with `flowpol check` through --world-out.
// UPDATE_GOLDEN=1 rewrites the goldens and the snapshot fixture.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { expectCheckAgrees } from './world-agreement.js';
import { startFakeKubeApi, writeKubeconfig, type FakeKubeApi } from '../../support/fake-kube-api.js';
import { matchesGolden } from '../../unit/report/golden.js';
import { SEED_CLUSTER_POLICIES, seedClusterData } from './seed-inventory-cluster.js';
import { FIXTURES, SNAPSHOT, useSeedDb } from './seed-db.js';

const CLUSTER_POLICIES = `${FIXTURES}/seed-cluster-policies.yaml`;
const TOKEN = 'report-inventory-token-77';
const SNAPSHOT_LINE = `flowpol: cluster mode: snapshot, inventory read from ${SNAPSHOT}\n`;

/** Golden scenarios: name → arguments. */
const SCENARIOS: Record<string, string[]> = {
  'inventory': ['--inventory', SNAPSHOT],
  'inventory-default-deny': ['--inventory', SNAPSHOT, '--default-deny', 'all'],
  'no-inventory': ['--existing', CLUSTER_POLICIES],
};
const FORMATS = { text: 'txt', markdown: 'md', json: 'json' } as const;

interface JsonEdge { status: string; title: string; reason: string }
interface JsonReport {
  cluster?: { mode: string; description: string; policies: string };
  silent?: { title: string; pods: string[]; isolation: { direction: string; isolatedBy: string[] }[] }[];
  policies: { ref: string; provenance: string }[];
  totals: Record<string, { edges: number; flows: number }>;
  edges: JsonEdge[];
}

const seed = useSeedDb('flowpol-report-inventory-');
let api: FakeKubeApi;
let kubeconfig: string;

async function report(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ stdout: string; stderr: string }> {
  const r = await runCli(['report', '--db', seed.db, ...args], { env });
  expect(r.code, r.stderr).toBe(0);
  return r;
}

const json = async (args: string[]): Promise<JsonReport> => JSON.parse((await report(['-o', 'json', ...args])).stdout) as JsonReport;

beforeAll(async () => {
  api = await startFakeKubeApi({ data: seedClusterData(), token: TOKEN });
  kubeconfig = writeKubeconfig(seed.dir, api.url, TOKEN);
});

afterAll(async () => {
  await api?.close();
});

describe('the fixtures', () => {
  it('the snapshot is what `flowpol inventory` prints for the fake seed cluster', async () => {
    const r = await runCli(['inventory', '--kubeconfig', kubeconfig]);
    expect(r.code, r.stderr).toBe(0);
    if (process.env.UPDATE_GOLDEN === '1') writeFileSync(SNAPSHOT, r.stdout);
    expect(r.stdout).toBe(readFileSync(SNAPSHOT, 'utf8'));
  });

  it('the policy file holds the cluster\'s NetworkPolicies', () => {
    const docs = parseAllDocuments(readFileSync(CLUSTER_POLICIES, 'utf8')).map((d) => d.toJS() as unknown);
    expect(docs).toEqual(SEED_CLUSTER_POLICIES);
  });
});

describe('golden reports with and without an inventory', () => {
  for (const [name, args] of Object.entries(SCENARIOS)) {
    for (const [format, ext] of Object.entries(FORMATS)) {
      it(`${name}, -o ${format}`, async () => {
        const r = await report(['-o', format, ...args]);
        expect(r.stderr).toMatch(name === 'no-inventory' ? /^flowpol: cluster mode: offline, flows only \([^\n]*\)\n$/ : new RegExp(`^${SNAPSHOT_LINE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`));
        matchesGolden(`seed-${name}.${ext}`, r.stdout);
      });
    }
  }

  it('-o html carries the cluster line and the silent workloads', async () => {
    const html = (await report(['-o', 'html', ...(SCENARIOS.inventory as string[])])).stdout;
    expect(html).toContain(`cluster: snapshot, inventory read from ${SNAPSHOT}; its NetworkPolicies are the existing policies`);
    expect(html).toContain('production/CronJob/db-backup (1 pod: db-backup-29470500-7xq2m): ingress isolated by production/default-deny-all; egress isolated by production/allow-dns, production/default-deny-all');
    matchesGolden('seed-inventory.html', html); // the whole page, deterministic with a snapshot
    const offline = (await report(['-o', 'html', ...(SCENARIOS['no-inventory'] as string[])])).stdout;
    expect(offline).not.toContain('cluster:');
    expect(offline).not.toContain('silent in the window');
  });
});

describe('what the inventory changes', () => {
  it('without it the named ports match nothing and the cluster-only namespace label is missing: 3 edges break', async () => {
    const r = await json(SCENARIOS['no-inventory'] as string[]);
    expect(r.cluster).toBeUndefined();
    expect(r.silent).toBeUndefined();
    expect(r.edges.filter((e) => e.status === 'breaks').map((e) => e.title).sort()).toEqual([
      'monitoring/app=prometheus -> production/app=api-server TCP/9090',
      'production/app=api-server -> production/app=postgres TCP/5432',
      'production/app=frontend -> production/app=api-server TCP/8080',
    ]);
    expect(r.edges.find((e) => e.title.startsWith('production/app=frontend -> production/app=api-server'))?.reason).toContain('name container ports, which flows do not carry');
  });

  it('with it the cluster\'s policies are the existing ones, nothing breaks, and the idle CronJob is silent', async () => {
    const r = await json(SCENARIOS.inventory as string[]);
    expect(r.cluster).toEqual({ mode: 'snapshot', description: `snapshot, inventory read from ${SNAPSHOT}`, policies: 'existing' });
    expect(r.policies.map((p) => `${p.ref} ${p.provenance}`)).toEqual(SEED_CLUSTER_POLICIES.map((p) => `production/${p.metadata.name} existing`).sort());
    expect(r.totals.breaks).toEqual({ edges: 0, flows: 0 });
    expect(r.totals.allowed).toEqual({ edges: 6, flows: 840 });
    expect(r.silent?.map((s) => s.title)).toEqual(['production/CronJob/db-backup']);
  });

  it('a default-deny simulated in monitoring makes grafana silent too; -n keeps the section to those namespaces', async () => {
    const all = await json(SCENARIOS['inventory-default-deny'] as string[]);
    expect(all.silent?.map((s) => s.title)).toEqual(['monitoring/Deployment/grafana', 'production/CronJob/db-backup']);
    const scoped = await json([...(SCENARIOS['inventory-default-deny'] as string[]), '-n', 'monitoring']);
    expect(scoped.silent?.map((s) => s.title)).toEqual(['monitoring/Deployment/grafana']);
  });

  for (const scope of [[], ['-n', 'production']]) {
    it(`--proposed generated ${scope.join(' ')} is what \`flowpol generate\` writes with the same cluster`.replace('  ', ' '), async () => {
      const file = join(seed.dir, `generated${scope.join('')}.yaml`);
      const generated = await runCli(['generate', '--db', seed.db, '--inventory', SNAPSHOT, ...scope]);
      expect(generated.code, generated.stderr).toBe(0);
      expect(generated.stdout).toContain('# cluster mode: snapshot');
      writeFileSync(file, generated.stdout);
      const args = ['-o', 'json', '--inventory', SNAPSHOT, '--default-deny', 'all', ...scope];
      const viaGenerated = (await report([...args, '--proposed', 'generated'])).stdout;
      expect(viaGenerated).toBe((await report([...args, '--proposed', file])).stdout);
      expect((JSON.parse(viaGenerated) as JsonReport).totals.breaks?.edges).toBe(scope.length === 0 ? 0 : 3); // -n: kube-system's and monitoring's default-deny get no policy
    });
  }

  it('another cluster\'s snapshot: a warning names the flow workloads no pod matches', async () => {
    const r = await report(['--inventory', 'test/integration/k8s/golden/inventory.yaml']);
    // That cluster has kube-dns (same labels), but none of the seed's production and monitoring pods.
    expect(r.stderr.split('\n')[1]).toBe('flowpol: warning: 4 flow workloads match no pod of the cluster (gone, relabelled, or another cluster\'s flows), ' +
      'evaluated with the flows\' labels and no container ports: monitoring/app=prometheus, production/app=api-server, production/app=frontend, production/app=postgres');
  });

  it('--proposed generated warns when a generated policy takes the name of a cluster policy flowpol does not manage', async () => {
    const taken = join(seed.dir, 'taken.yaml');
    const text = readFileSync(SNAPSHOT, 'utf8').replace(/^policies:\n/m, [
      'policies:',
      '  - apiVersion: networking.k8s.io/v1', '    kind: NetworkPolicy',
      '    metadata: { name: api-server-flowpol, namespace: production }', '    spec: { podSelector: {} }', '',
    ].join('\n'));
    writeFileSync(taken, text);
    const r = await report(['--inventory', taken, '--proposed', 'generated']);
    expect(r.stderr).toContain('flowpol: warning: [name-taken] the cluster already has a NetworkPolicy production/api-server-flowpol that flowpol does not manage');
    expect(r.stderr).toContain('; the report evaluates the generated policy in its place\n');
    expect((await report(['--inventory', SNAPSHOT, '--proposed', 'generated'])).stderr).not.toContain('[name-taken]');
  });

  it('--existing replaces the cluster\'s policies, and the header says so', async () => {
    const r = await json(['--inventory', SNAPSHOT, '--existing', `${FIXTURES}/forgets-dns.yaml`]);
    expect(r.cluster?.policies).toBe('replaced-by-existing-flag');
    expect(r.policies.map((p) => p.ref)).not.toContain('production/allow-dns');
    expect(r.policies.map((p) => p.ref)).toContain('production/allow-frontend-to-api');
    const text = (await report(['--inventory', SNAPSHOT, '--existing', `${FIXTURES}/forgets-dns.yaml`])).stdout;
    expect(text).toContain(`  cluster:  snapshot, inventory read from ${SNAPSHOT}; its NetworkPolicies are replaced by --existing\n`);
  });
});

describe('live cluster (fake API server)', () => {

  for (const format of [...Object.keys(FORMATS), 'html']) {
    it(`-o ${format}: the live report equals the snapshot report but for the mode`, async () => {
      for (const extra of [[], ['--default-deny', 'all']]) {
        const live = await report(['-o', format, '--kubeconfig', kubeconfig, ...extra]);
        const liveMode = `live, context "fake" (${api.url}) from --kubeconfig`;
        expect(live.stderr).toBe(`flowpol: cluster mode: ${liveMode}\n`);
        const snapshot = await report(['-o', format, '--inventory', SNAPSHOT, ...extra]);
        const snapshotMode = `snapshot, inventory read from ${SNAPSHOT}`;
        // The mode as the format writes it: plain (text, markdown), JSON-escaped, HTML-escaped.
        const spelled = [liveMode, JSON.stringify(liveMode).slice(1, -1), liveMode.replaceAll('"', '&quot;')];
        const normalized = spelled.reduce((out, s) => out.replaceAll(s, snapshotMode), live.stdout).replace('"mode": "live"', '"mode": "snapshot"');
        expect(normalized).toBe(snapshot.stdout);
        expect(live.stdout).not.toBe(snapshot.stdout);
      }
    });
  }

  it('a forbidden list is one error line naming the RBAC verb and resource, and no report', async () => {
    const forbidden = await startFakeKubeApi({ data: seedClusterData(), token: TOKEN, forbidden: ['list pods'] });
    try {
      const r = await runCli(['report', '--db', seed.db, '--kubeconfig', writeKubeconfig(join(seed.dir, 'forbidden'), forbidden.url, TOKEN)]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n').at(-1)).toMatch(/^flowpol: error \[E_K8S_FORBIDDEN\]: forbidden: cannot list pods .*grant verb "list" on "pods"/);
    } finally {
      await forbidden.close();
    }
  });

  it('a usage error or a missing database fails before the cluster is listed', async () => {
    const before = api.requests.length;
    const missing = await runCli(['report', '--db', join(seed.dir, 'none.db'), '--kubeconfig', kubeconfig]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('does not exist');
    const usage = await runCli(['report', '--db', seed.db, '--kubeconfig', kubeconfig, '--proposed', 'generated', '--proposed', CLUSTER_POLICIES]);
    expect(usage.code).toBe(2);
    expect(api.requests.length).toBe(before);
  });

  it('--offline with a kubeconfig (KUBECONFIG) reads no cluster: the flows-only report, byte for byte', async () => {
    const before = api.requests.length;
    const r = await report(['--offline', '--existing', CLUSTER_POLICIES], { KUBECONFIG: kubeconfig });
    expect(r.stderr).toMatch(/^flowpol: cluster mode: offline, flows only \(--offline was given\)\n$/);
    expect(api.requests.length).toBe(before);
    matchesGolden('seed-no-inventory.txt', r.stdout);
  });
});

describe('agreement with flowpol check (--world-out) with the inventory world', () => {
  const cases: Record<string, string[]> = {
    'snapshot': ['--inventory', SNAPSHOT],
    'snapshot, default-deny': ['--inventory', SNAPSHOT, '--default-deny', 'all'],
    'snapshot, generated': ['--inventory', SNAPSHOT, '--default-deny', 'all', '--proposed', 'generated'],
    'snapshot, forgets dns': ['--inventory', SNAPSHOT, '--existing', `${FIXTURES}/forgets-dns.yaml`],
  };
  for (const [name, args] of Object.entries(cases)) {
    it(`${name}: every probe passes`, async () => {
      const file = join(seed.dir, `${name.replace(/\W+/g, '-')}.world.json`);
      const r = await report(['-o', 'json', '--world-out', file, ...args]);
      await expectCheckAgrees(r, file);
    });
  }

  it('the world carries the cluster\'s namespace labels, pod labels and container ports', async () => {
    const file = join(seed.dir, 'labels.world.json');
    await report(['-o', 'json', '--world-out', file, '--inventory', SNAPSHOT]);
    const world = JSON.parse(readFileSync(file, 'utf8')) as { namespaces: { name: string; labels: Record<string, string> }[]; pods: { namespace: string; labels: Record<string, string>; ports: unknown[] }[] };
    expect(world.namespaces.find((n) => n.name === 'monitoring')?.labels.team).toBe('observability');
    expect(world.pods.find((p) => p.labels.app === 'api-server')?.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' },
      { name: 'metrics', port: 9090, protocol: 'TCP' },
    ]);
    // Labels flows drop (rollout- or pod-specific) are the pods' own again, so policies selecting them match.
    expect(world.pods.find((p) => p.labels.app === 'postgres')?.labels).toEqual({ app: 'postgres', 'statefulset.kubernetes.io/pod-name': 'postgres-0' });
  });
});
