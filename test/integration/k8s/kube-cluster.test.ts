// The REAL @kubernetes/client-node against the loopback fake API server.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationalError } from '../../../src/errors.js';
import { executeApply, planApply } from '../../../src/k8s/apply.js';
import { readInventory } from '../../../src/k8s/inventory.js';
import { openKubeCluster } from '../../../src/k8s/kube-cluster.js';
import type { NetworkPolicy } from '../../../src/model.js';
import { startFakeKubeApi, writeKubeconfig } from '../../support/fake-kube-api.js';
import type { FakeKubeApi, FakeOptions } from '../../support/fake-kube-api.js';
import { fixtureData } from './fixture.js';

const TOKEN = 'fake-token-0123456789';
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

async function setup(extra: Partial<FakeOptions> = {}, access: { chunkSize?: number; timeoutMs?: number; token?: string } = {}) {
  const api = await startFakeKubeApi({ data: fixtureData(), token: TOKEN, ...extra });
  const dir = mkdtempSync(join(tmpdir(), 'flowpol-k8s-'));
  cleanups.push(() => api.close(), () => rmSync(dir, { recursive: true, force: true }));
  const kubeconfig = writeKubeconfig(dir, api.url, access.token ?? TOKEN);
  const cluster = openKubeCluster({
    mode: 'live', config: { kind: 'files', files: [kubeconfig], origin: '--kubeconfig' },
    requestTimeoutMs: access.timeoutMs ?? 5000, chunkSize: access.chunkSize ?? 2,
  });
  return { api, cluster };
}

async function failure(p: Promise<unknown>): Promise<OperationalError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OperationalError) return e;
    throw e;
  }
  throw new Error('expected an OperationalError');
}

const lists = (api: FakeKubeApi, path: string) => api.requests.filter((r) => r.method === 'GET' && r.path === path);

const newPolicy: NetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'web-flowpol', namespace: 'prod' },
  spec: { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'lb' } } }], ports: [{ port: 80 }] }] },
};

describe('KubeCluster (real client-node, fake API server)', () => {
  it('pages through every list with limit/continue and reads the whole inventory', async () => {
    const { api, cluster } = await setup();
    const inv = await readInventory(cluster);
    const pods = lists(api, '/api/v1/pods');
    expect(pods.length).toBe(4); // 7 pods, 2 per page
    expect(pods.map((r) => r.query.get('limit'))).toEqual(['2', '2', '2', '2']);
    expect(pods[0]?.query.has('continue')).toBe(false);
    expect(pods.slice(1).every((r) => r.query.has('continue'))).toBe(true);
    expect(inv.pods).toHaveLength(7);
    expect(inv.namespaces).toHaveLength(4);
    expect(inv.policies.map((p) => p.metadata.name)).toEqual(['api-allow-web', 'default-deny']);
    expect(inv.policies[0]?.spec.ingress?.[0]?.from).toEqual([{ podSelector: { matchLabels: { app: 'web' } } }]);
    expect(inv.policies[1]?.metadata.annotations).toBeUndefined(); // last-applied dropped
    const api1 = inv.pods.find((p) => p.name.startsWith('api-'));
    expect(api1?.ports).toEqual([
      { name: 'http', port: 8080, protocol: 'TCP' }, { name: 'metrics', port: 9090, protocol: 'TCP' }, { name: 'admin', port: 15000, protocol: 'TCP' },
    ]);
    expect(inv.pods.find((p) => p.name === 'node-exporter-x1')?.hostNetwork).toBe(true);
    expect(api.requests.every((r) => r.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('turns a 403 into a message naming the verb and resource to grant', async () => {
    const { cluster } = await setup({ forbidden: ['list networkpolicies'] });
    const e = await failure(readInventory(cluster));
    expect(e.code).toBe('E_K8S_FORBIDDEN');
    expect(e.message).toBe('forbidden: cannot list networkpolicies.networking.k8s.io at the cluster scope — grant verb "list" on "networkpolicies" in group "networking.k8s.io"');
  });

  it('turns a 401 into an unauthorized error without the token', async () => {
    const { cluster } = await setup({}, { token: 'expired-token-xyz' });
    const e = await failure(cluster.listNamespaces());
    expect(e.code).toBe('E_K8S_UNAUTHORIZED');
    expect(e.message).not.toContain('expired-token-xyz');
  });

  it('gives up on a slow answer after the per-request timeout', async () => {
    const { cluster } = await setup({ delays: { '/api/v1/namespaces': 10_000 } }, { timeoutMs: 300 });
    const e = await failure(cluster.listNamespaces());
    expect(e.code).toBe('E_K8S_TIMEOUT');
    expect(e.message).toContain('within 0.3s');
  });

  it('reports an unreachable server as one line', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-k8s-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    const cluster = openKubeCluster({
      mode: 'live', config: { kind: 'files', files: [writeKubeconfig(dir, `http://127.0.0.1:${port}`, TOKEN)], origin: '--kubeconfig' },
      requestTimeoutMs: 5000, chunkSize: 500,
    });
    const e = await failure(cluster.listPods());
    expect(e.code).toBe('E_K8S_UNREACHABLE');
    expect(e.message).toContain(`http://127.0.0.1:${port}`);
    expect(e.message).not.toContain('\n');
  });

  it('server-side applies with dryRun=All, fieldManager=flowpol and the apply-patch content type', async () => {
    const { api, cluster } = await setup();
    const result = await cluster.applyPolicy(newPolicy, { dryRun: 'server', force: false });
    const patch = api.requests.find((r) => r.method === 'PATCH');
    expect(patch?.path).toBe('/apis/networking.k8s.io/v1/namespaces/prod/networkpolicies/web-flowpol');
    expect(patch?.headers['content-type']).toBe('application/apply-patch+yaml');
    expect(patch?.query.get('dryRun')).toBe('All');
    expect(patch?.query.get('fieldManager')).toBe('flowpol');
    expect(patch?.query.has('force')).toBe(false);
    expect(JSON.parse(patch?.body ?? '')).toEqual(newPolicy);
    expect(result.spec.policyTypes).toEqual(['Ingress']); // defaulted by the server
    expect(await cluster.getNetworkPolicy('prod', 'web-flowpol')).toBeUndefined(); // nothing persisted
  });

  it('refuses to execute a plan with one failed entry, before writing anything', async () => {
    const { api, cluster } = await setup({ missingNamespaces: ['gone'] });
    const gone: NetworkPolicy = { ...newPolicy, metadata: { name: 'web-flowpol', namespace: 'gone' } }; // no such namespace
    const plan = await planApply(cluster, [newPolicy, gone], false);
    expect(plan.map((e) => `${e.key}: ${e.status}`)).toEqual(['gone/web-flowpol: failed', 'prod/web-flowpol: new']);
    const e = await failure(executeApply(cluster, plan, { force: false }));
    expect(e.code).toBe('E_APPLY_PLAN');
    expect(api.requests.filter((r) => r.method === 'PATCH' && !r.query.has('dryRun'))).toEqual([]);
    expect(await cluster.getNetworkPolicy('prod', 'web-flowpol')).toBeUndefined();
  });

  it('persists without dry run, and needs force to take over fields of another manager', async () => {
    const { api, cluster } = await setup();
    await cluster.applyPolicy(newPolicy, { dryRun: 'none', force: false });
    expect((await cluster.getNetworkPolicy('prod', 'web-flowpol'))?.spec.podSelector).toEqual({ matchLabels: { app: 'web' } });
    const takeOver: NetworkPolicy = { ...newPolicy, metadata: { name: 'default-deny', namespace: 'prod' } };
    const e = await failure(cluster.applyPolicy(takeOver, { dryRun: 'none', force: false }));
    expect(e.code).toBe('E_K8S_CONFLICT');
    expect(e.message).toContain('conflict with "kubectl"');
    await cluster.applyPolicy(takeOver, { dryRun: 'none', force: true });
    expect(api.requests.filter((r) => r.method === 'PATCH').at(-1)?.query.get('force')).toBe('true');
    expect(api.requests.every((r) => r.method === 'GET' || r.method === 'PATCH')).toBe(true);
  });
});
