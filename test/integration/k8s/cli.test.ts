// The built CLI (`flowpol inventory`, `flowpol apply`) run as a process against the fake API
// server, with kubeconfigs in temp dirs. Golden files: UPDATE_GOLDEN=1 rewrites them.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../support/cli.js';
import { startFakeKubeApi, writeKubeconfig } from '../../support/fake-kube-api.js';
import type { FakeKubeApi, FakeOptions } from '../../support/fake-kube-api.js';
import { fixtureData } from './fixture.js';

const GOLDEN = fileURLToPath(new URL('./golden/', import.meta.url));
const TOKEN = 'cli-secret-token-4242';

function expectGolden(name: string, actual: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(GOLDEN, { recursive: true });
    writeFileSync(file, actual);
    return;
  }
  if (!existsSync(file)) throw new Error(`golden file ${file} is missing; run with UPDATE_GOLDEN=1`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

interface Env { api: FakeKubeApi; dir: string; kubeconfig: string; env: NodeJS.ProcessEnv }

async function setup(extra: Partial<FakeOptions> = {}): Promise<Env> {
  const api = await startFakeKubeApi({ data: fixtureData(), token: TOKEN, ...extra });
  const dir = mkdtempSync(join(tmpdir(), 'flowpol-k8s-cli-'));
  cleanups.push(() => api.close(), () => rmSync(dir, { recursive: true, force: true }));
  // HOME without ~/.kube/config and no KUBECONFIG: only what the test passes counts.
  const env = { HOME: join(dir, 'home'), KUBECONFIG: '', KUBERNETES_SERVICE_HOST: '' };
  return { api, dir, kubeconfig: writeKubeconfig(dir, api.url, TOKEN), env };
}

function expectNoSecrets(...texts: string[]): void {
  for (const t of texts) expect(t).not.toContain(TOKEN);
}

describe('flowpol inventory', () => {
  it('snapshots the live cluster (golden YAML), paging with --chunk-size, and says the mode', async () => {
    const { api, kubeconfig, env } = await setup();
    const r = await runCli(['inventory', '--kubeconfig', kubeconfig, '--chunk-size', '3'], { env });
    expect(r.stderr).toContain(`flowpol: cluster mode: live, context "fake" (${api.url}) from --kubeconfig`);
    expect(r.stderr).toContain('inventory: 4 namespaces, 7 pods (1 host-network), 6 workloads, 2 NetworkPolicies');
    expect(r.code).toBe(0);
    expectGolden('inventory.yaml', r.stdout);
    expect(api.requests.filter((q) => q.path === '/api/v1/pods').length).toBe(3);
    expectNoSecrets(r.stdout, r.stderr);
  });

  it('round-trips: live -o json equals the snapshot read back with --inventory', async () => {
    const { dir, kubeconfig, env } = await setup();
    const yaml = await runCli(['inventory', '--kubeconfig', kubeconfig], { env });
    const live = await runCli(['inventory', '--kubeconfig', kubeconfig, '-o', 'json'], { env });
    writeFileSync(join(dir, 'world.yaml'), yaml.stdout);
    const fromFile = await runCli(['inventory', '--inventory', join(dir, 'world.yaml'), '-o', 'json'], { env });
    expect(fromFile.code).toBe(0);
    expect(fromFile.stderr).toContain(`cluster mode: snapshot, inventory read from ${join(dir, 'world.yaml')}`);
    expect(fromFile.stdout).toBe(live.stdout);
    expectGolden('inventory.json', live.stdout);
  });

  it('finds the cluster through KUBECONFIG and --context', async () => {
    const { kubeconfig, env } = await setup();
    const r = await runCli(['inventory', '--context', 'fake', '-o', 'json'], { env: { ...env, KUBECONFIG: kubeconfig } });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('from KUBECONFIG');
    const bad = await runCli(['inventory', '--context', 'nope'], { env: { ...env, KUBECONFIG: kubeconfig } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--context nope: no such context in the kubeconfig (known: fake)');
  });

  it('needs a cluster or a snapshot: without a kubeconfig it is a usage error naming the offline mode', async () => {
    const { env } = await setup();
    const r = await runCli(['inventory'], { env });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('no kubeconfig found');
  });

  it('reports 403 as one line naming the RBAC verb and resource, never a stack', async () => {
    const { kubeconfig, env } = await setup({ forbidden: ['list networkpolicies'] });
    const r = await runCli(['inventory', '--kubeconfig', kubeconfig], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n').at(-1)).toBe('flowpol: error [E_K8S_FORBIDDEN]: forbidden: cannot list networkpolicies.networking.k8s.io ' +
      'at the cluster scope — grant verb "list" on "networkpolicies" in group "networking.k8s.io"');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports 401, a timeout and an unreachable server as one-line errors with codes', async () => {
    const { api, dir, env } = await setup({ delays: { '/apis/batch/v1/cronjobs': 10_000 } });
    const wrongToken = writeKubeconfig(join(dir, 'wrong'), api.url, 'not-the-token');
    const unauthorized = await runCli(['inventory', '--kubeconfig', wrongToken], { env });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toContain('flowpol: error [E_K8S_UNAUTHORIZED]: unauthorized:');
    expect(unauthorized.stderr).not.toContain('not-the-token');
    const slow = await runCli(['inventory', '--kubeconfig', join(dir, 'kubeconfig'), '--request-timeout', '300ms'], { env });
    expect(slow.code).toBe(1);
    expect(slow.stderr).toContain('flowpol: error [E_K8S_TIMEOUT]: timeout:');
    const gone = writeKubeconfig(join(dir, 'gone'), 'http://127.0.0.1:1', TOKEN);
    const unreachable = await runCli(['inventory', '--kubeconfig', gone], { env });
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.trim().split('\n')).toHaveLength(1);
    expect(unreachable.stderr).toContain('flowpol: error [E_K8S_UNREACHABLE]: unreachable: cannot connect to the API server http://127.0.0.1:1');
    expect(unreachable.stderr).not.toContain('--offline'); // inventory has no offline mode
    // generate and report can do without the cluster, and say how (QA: a stale kubeconfig left them stuck).
    const db = join(dir, 'flows.db');
    expect((await runCli(['collect', '--input-file', 'recorded-flows/hubble-otel__basic-sample-10-flows.jsonl', '--db', db])).code).toBe(0);
    for (const command of ['report', 'generate']) {
      const r = await runCli([command, '--kubeconfig', gone, '--db', db], { env });
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/flowpol: error \[E_K8S_UNREACHABLE\]: unreachable: cannot connect to the API server http:\/\/127\.0\.0\.1:1 .* \(or run without the cluster: --offline\)\n/);
    }
  });
});

const MANIFEST = `# generated by flowpol
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: api-allow-web
  namespace: prod
  labels:
    team: shop
spec:
  podSelector:
    matchLabels:
      app: api
  ingress:
    - from:
        - podSelector:
            matchLabels:
              app: web
      ports:
        - port: http
        - port: 9090
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-flowpol
  namespace: prod
spec:
  podSelector:
    matchLabels:
      app: web
  policyTypes: [Ingress]
  ingress:
    - ports:
        - port: 80
          protocol: TCP
`;

describe('flowpol apply', () => {
  it('defaults to a server dry run: prints the diff, sends dryRun=All, persists nothing', async () => {
    const { api, dir, kubeconfig, env } = await setup();
    writeFileSync(join(dir, 'p.yaml'), MANIFEST);
    const before = JSON.stringify(api.data.networkpolicies);
    const r = await runCli(['apply', '-f', join(dir, 'p.yaml'), '--kubeconfig', kubeconfig], { env });
    expect(r.stderr).toContain('server dry run: 1 new, 1 changed, 0 unchanged; nothing was persisted');
    expect(r.code).toBe(0);
    expectGolden('apply-dry-run.txt', r.stdout);
    const patches = api.requests.filter((q) => q.method === 'PATCH');
    expect(patches).toHaveLength(2);
    for (const p of patches) {
      expect(p.query.get('dryRun')).toBe('All');
      expect(p.query.get('fieldManager')).toBe('flowpol');
      expect(p.headers['content-type']).toBe('application/apply-patch+yaml');
    }
    expect(JSON.stringify(api.data.networkpolicies)).toBe(before);
    expect(api.requests.every((q) => q.method === 'GET' || q.method === 'PATCH')).toBe(true);
    expectNoSecrets(r.stdout, r.stderr);
  });

  it('with --dry-run=none prints the diff, then applies; a second run is unchanged', async () => {
    const { api, dir, kubeconfig, env } = await setup();
    writeFileSync(join(dir, 'p.yaml'), MANIFEST);
    const r = await runCli(['apply', '-f', join(dir, 'p.yaml'), '--kubeconfig', kubeconfig, '--dry-run=none'], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('networkpolicy prod/web-flowpol: new\n');
    expect(r.stdout.indexOf('+++ prod/web-flowpol (applied)')).toBeLessThan(r.stdout.indexOf('networkpolicy prod/web-flowpol: serverside-applied'));
    expect(r.stderr).toContain('applied 2 NetworkPolicies (1 new, 1 changed, 0 unchanged); nothing was deleted');
    const real = api.requests.filter((q) => q.method === 'PATCH' && !q.query.has('dryRun'));
    expect(real.map((q) => q.path.split('/').pop())).toEqual(['api-allow-web', 'web-flowpol']);
    expect(api.data.networkpolicies?.map((p) => (p.metadata as { name: string }).name)).toEqual(['default-deny', 'api-allow-web', 'web-flowpol']);
    const again = await runCli(['apply', '-f', join(dir, 'p.yaml'), '--kubeconfig', kubeconfig, '--dry-run=none'], { env });
    expect(again.stdout).toBe('networkpolicy prod/api-allow-web: unchanged\nnetworkpolicy prod/web-flowpol: unchanged\n');
  });

  it('refuses anything but NetworkPolicies, naming the file and document', async () => {
    const { api, dir, kubeconfig, env } = await setup();
    const file = join(dir, 'mixed.yaml');
    writeFileSync(file, `${MANIFEST}---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n`);
    const r = await runCli(['apply', '-f', file, '--kubeconfig', kubeconfig], { env });
    expect(r.code).toBe(1);
    const line = MANIFEST.split('\n').length + 1; // the ConfigMap's first line, after the appended ---
    expect(r.stderr).toContain(`flowpol: error [E_INPUT]: ${file}:${line} (document 3): ConfigMap is not a networking.k8s.io/v1 NetworkPolicy`);
    expect(api.requests).toHaveLength(0);
  });

  it('takes -f several times and directories: validates all, then plans and applies them together', async () => {
    const { api, dir, kubeconfig, env } = await setup();
    const [first = '', second = ''] = MANIFEST.split('---\n');
    mkdirSync(join(dir, 'd', 'sub'), { recursive: true });
    writeFileSync(join(dir, 'a.yaml'), first);
    writeFileSync(join(dir, 'd', 'sub', 'b.yml'), second);
    writeFileSync(join(dir, 'd', 'notes.txt'), 'not a manifest');
    const r = await runCli(['apply', '-f', join(dir, 'a.yaml'), '-f', join(dir, 'd'), '--kubeconfig', kubeconfig], { env });
    expect(r.stderr).toContain('server dry run: 1 new, 1 changed, 0 unchanged; nothing was persisted');
    expect(r.code).toBe(0);
    expectGolden('apply-dry-run.txt', r.stdout);
    // An invalid document in a later file stops everything before any request is made.
    const requestsBefore = api.requests.length;
    writeFileSync(join(dir, 'bad.yaml'), second.replace('podSelector:', 'podSelectr:'));
    const bad = await runCli(['apply', '-f', join(dir, 'a.yaml'), '-f', join(dir, 'bad.yaml'), '--kubeconfig', kubeconfig, '--dry-run=none'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain(join(dir, 'bad.yaml'));
    expect(api.requests).toHaveLength(requestsBefore);
  });

  it('rejects a NetworkPolicy given in two files, naming both places', async () => {
    const { api, dir, kubeconfig, env } = await setup();
    writeFileSync(join(dir, 'a.yaml'), MANIFEST);
    writeFileSync(join(dir, 'b.yaml'), `# again\n${MANIFEST.split('---\n')[1] ?? ''}`);
    const r = await runCli(['apply', '-f', join(dir, 'a.yaml'), '-f', join(dir, 'b.yaml'), '--kubeconfig', kubeconfig], { env });
    expect(r.code).toBe(1);
    const firstLine = MANIFEST.split('\n').indexOf('---') + 2; // the second document's first line in a.yaml
    expect(r.stderr).toContain(`flowpol: error [E_INPUT]: ${join(dir, 'b.yaml')}:2 (document 1): NetworkPolicy prod/web-flowpol appears twice ` +
      `(also at ${join(dir, 'a.yaml')}:${firstLine} (document 2))`);
    expect(api.requests).toHaveLength(0);
  });

  it('a real apply that fails part way reports what was already applied, then the error', async () => {
    const { api, dir, kubeconfig, env } = await setup({ failRealApply: ['prod/web-flowpol'] });
    writeFileSync(join(dir, 'p.yaml'), MANIFEST);
    const r = await runCli(['apply', '-f', join(dir, 'p.yaml'), '--kubeconfig', kubeconfig, '--dry-run=none'], { env });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('networkpolicy prod/api-allow-web: serverside-applied\n');
    expect(r.stdout).not.toContain('prod/web-flowpol: serverside-applied');
    const lines = r.stderr.trim().split('\n');
    expect(lines.at(-2)).toBe('flowpol: applied 1 of 2 before the error: prod/api-allow-web');
    expect(lines.at(-1)).toContain('failRealApply: refusing to store prod/web-flowpol');
    expect(api.data.networkpolicies?.map((p) => (p.metadata as { name: string }).name)).toEqual(['default-deny', 'api-allow-web']);
  });

  it('plans every policy: a conflict and a missing namespace are one line each (file:line, reason), the rest is diffed, nothing is applied', async () => {
    const { api, dir, kubeconfig, env } = await setup({ missingNamespaces: ['gone'] });
    const live = api.data.networkpolicies?.find((p) => (p.metadata as { name: string }).name === 'api-allow-web') as { metadata: Record<string, unknown> };
    live.metadata.managedFields = [{ manager: 'kubectl-client-side-apply', operation: 'Update' }];
    const gone = MANIFEST.split('---\n')[1]?.replace('namespace: prod', 'namespace: gone') ?? '';
    const file = join(dir, 'p.yaml');
    writeFileSync(file, `${MANIFEST}---\n${gone}`);
    const goneLine = MANIFEST.split('\n').length + 1;
    const before = JSON.stringify(api.data.networkpolicies);
    for (const dryRun of ['server', 'none']) {
      const r = await runCli(['apply', '-f', file, '--kubeconfig', kubeconfig, `--dry-run=${dryRun}`], { env });
      expect(r.code).toBe(1);
      // The conflicting policy still shows what taking the fields over would store; the other policy its plan.
      expectGolden('apply-dry-run.txt', r.stdout.replace('networkpolicy gone/web-flowpol: failed\n', '').replace('api-allow-web: conflict', 'api-allow-web: changed'));
      expect(r.stdout).toContain('networkpolicy gone/web-flowpol: failed\nnetworkpolicy prod/api-allow-web: conflict\n');
      const lines = r.stderr.trim().split('\n').slice(1);
      expect(lines).toEqual([
        `flowpol: networkpolicy gone/web-flowpol (${file}:${goneLine} (document 3)): [E_K8S_NOT_FOUND] not found: patch networkpolicies.networking.k8s.io "web-flowpol" ` +
          'in the namespace "gone": namespaces "gone" not found (create the namespace first)',
        `flowpol: networkpolicy prod/api-allow-web (${file}:2 (document 1)): [E_K8S_CONFLICT] conflict with field manager "kubectl-client-side-apply" on .spec ` +
          '— review the diff above (what --force-conflicts would store), then re-run with --force-conflicts to take them over',
        'flowpol: error [E_APPLY_PLAN]: 2 of 3 NetworkPolicies could not be planned (1 new, 0 changed, 0 unchanged); nothing was applied',
      ]);
    }
    expect(api.requests.filter((q) => q.method === 'PATCH' && !q.query.has('dryRun'))).toHaveLength(0);
    expect(JSON.stringify(api.data.networkpolicies)).toBe(before);
  });

  it('names the RBAC verb when patch is forbidden, and needs a live cluster', async () => {
    const { dir, kubeconfig, env } = await setup({ forbidden: ['patch networkpolicies'] });
    writeFileSync(join(dir, 'p.yaml'), MANIFEST);
    const r = await runCli(['apply', '-f', join(dir, 'p.yaml'), '--kubeconfig', kubeconfig], { env });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('forbidden: cannot patch networkpolicies.networking.k8s.io in the namespace "prod" — grant verb "patch" on "networkpolicies" in group "networking.k8s.io"');
    const offline = await runCli(['apply', '-f', join(dir, 'p.yaml')], { env });
    expect(offline.code).toBe(2);
    expect(offline.stderr).toContain('apply needs a live cluster');
  });
});
