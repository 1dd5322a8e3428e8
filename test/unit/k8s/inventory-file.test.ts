import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { parseInventory, renderInventory } from '../../../src/k8s/inventory-file.js';
import type { Inventory } from '../../../src/model.js';

const inv: Inventory = {
  source: { kind: 'cluster', context: 'kind-dev', cluster: 'kind' },
  namespaces: [{ name: 'prod', labels: { 'kubernetes.io/metadata.name': 'prod' } }],
  pods: [
    { namespace: 'prod', name: 'api-1', labels: { app: 'api' }, ip: '10.0.0.2', ips: ['10.0.0.2'], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      hostNetwork: false, owner: { kind: 'Deployment', name: 'api' }, ownerChain: [{ kind: 'ReplicaSet', name: 'api-x' }, { kind: 'Deployment', name: 'api' }] },
    { namespace: 'prod', name: 'ne', labels: {}, ips: [], ports: [], hostNetwork: true },
  ],
  workloads: [{ namespace: 'prod', kind: 'Deployment', name: 'api', selector: { matchLabels: { app: 'api' } }, selectorSource: 'spec.selector' }],
  externals: [],
  policies: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'deny', namespace: 'prod' }, spec: { podSelector: {}, ingress: [{ from: [{ podSelector: {} }] }] } }],
};

function inputError(fn: () => unknown): InputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('inventory snapshot', () => {
  it('round-trips through YAML and JSON unchanged', () => {
    for (const format of ['yaml', 'json'] as const) {
      const text = renderInventory(inv, format);
      expect(parseInventory(text, `w.${format}`)).toEqual(inv);
      expect(renderInventory(parseInventory(text, 'w'), format)).toBe(text);
    }
  });

  it('is versioned and refuses other kinds or versions', () => {
    const text = renderInventory(inv, 'yaml');
    expect(text).toContain('apiVersion: flowpol.io/v1alpha1\nkind: FlowpolInventory\n');
    expect(inputError(() => parseInventory(text.replace('v1alpha1', 'v9'), 'w.yaml')).message).toMatch(/^w\.yaml:2 \(apiVersion\): unsupported snapshot version "flowpol.io\/v9"/);
    expect(inputError(() => parseInventory('kind: List\n', 'w.yaml')).location.field).toBe('kind');
  });

  it('names file, line and field of a bad value', () => {
    const text = renderInventory(inv, 'yaml').replace('port: 8080', 'port: 80800');
    const e = inputError(() => parseInventory(text, 'world.yaml'));
    expect(e.location).toEqual({ file: 'world.yaml', line: text.split('\n').findIndex((l) => l.includes('80800')) + 1, field: 'pods[0].ports[0].port' });
  });

  it('reports YAML syntax errors with their line', () => {
    const e = inputError(() => parseInventory('apiVersion: x\nkind: [\n', 'bad.yaml'));
    expect(e.location.file).toBe('bad.yaml');
    expect(e.location.line).toBeGreaterThan(1);
  });

  it('rejects a policy that is not a NetworkPolicy', () => {
    const doc = JSON.parse(renderInventory(inv, 'json')) as { policies: unknown[] };
    doc.policies.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'prod' } });
    expect(inputError(() => parseInventory(JSON.stringify(doc, null, 2), 'w.json')).location.field).toBe('policies[1].apiVersion');
  });

  it('checks policies, workload selectors and pod addresses as the API server would, naming file, line and field', () => {
    const bad = (change: (doc: { policies: { spec: Record<string, unknown> }[]; workloads: { selector: unknown }[]; pods: { ip?: string; ips: string[] }[] }) => void): InputError => {
      const doc = JSON.parse(renderInventory(inv, 'json')) as Parameters<typeof change>[0];
      change(doc);
      const text = JSON.stringify(doc, null, 2);
      return inputError(() => parseInventory(text, 'inv.json'));
    };
    const policyTypes = bad((d) => { d.policies[0]!.spec.policyTypes = ['Sideways']; });
    expect(policyTypes.message).toMatch(/^inv\.json:\d+ \(policies\[0\]\.spec\.policyTypes\[0\]\): policy prod\/deny: unsupported value "Sideways"/);
    // The line of the bad value itself, not of the policy's first line.
    const text = (() => { const d = JSON.parse(renderInventory(inv, 'json')) as { policies: { spec: Record<string, unknown> }[] }; d.policies[0]!.spec.policyTypes = ['Sideways']; return JSON.stringify(d, null, 2); })();
    expect(policyTypes.location.line).toBe(text.split('\n').findIndex((l) => l.includes('"Sideways"')) + 1);
    const operator = bad((d) => { d.workloads[0]!.selector = { matchExpressions: [{ key: 'app', operator: 'Foo', values: ['x'] }] }; });
    expect(operator.location.field).toBe('workloads[0].selector.matchExpressions[0].operator');
    expect(operator.message).toContain('workload Deployment prod/api: "Foo" is not a valid selector operator');
    const ip = bad((d) => { d.pods[0]!.ip = '999.1.1.1'; d.pods[0]!.ips = ['999.1.1.1']; });
    expect(ip.location.field).toBe('pods[0].ips[0]');
    expect(ip.message).toContain('expected an IP address, found "999.1.1.1"');
  });

  it('refuses ports outside 1-65535, a hostNetwork that is not a boolean and a label value that is not a string', () => {
    type Doc = { pods: { ports: { port: unknown }[]; hostNetwork: unknown; labels: Record<string, unknown> }[] };
    const field = (change: (doc: Doc) => void): string | undefined => {
      const doc = JSON.parse(renderInventory(inv, 'json')) as Doc;
      change(doc);
      return inputError(() => parseInventory(JSON.stringify(doc, null, 2), 'inv.json')).location.field;
    };
    expect(field((d) => { d.pods[0]!.ports[0]!.port = 0; })).toBe('pods[0].ports[0].port');
    expect(field((d) => { d.pods[0]!.ports[0]!.port = 65536; })).toBe('pods[0].ports[0].port');
    expect(field((d) => { d.pods[0]!.hostNetwork = 'yes'; })).toBe('pods[0].hostNetwork');
    expect(field((d) => { d.pods[0]!.labels.app = 7; })).toBe('pods[0].labels.app');
    const edges = JSON.parse(renderInventory(inv, 'json')) as Doc;
    edges.pods[0]!.ports[0]!.port = 1;
    edges.pods[1]!.ports = [{ port: 65535 }];
    expect(parseInventory(JSON.stringify(edges), 'inv.json').pods.map((p) => p.ports.map((c) => c.port))).toEqual([[1], [65535]]);
  });

  it('refuses unknown fields everywhere, naming them: a misspelt key must not read as an empty value', () => {
    const unknown = (change: (doc: Record<string, any>) => void): string => {
      const doc = JSON.parse(renderInventory(inv, 'json')) as Record<string, any>;
      change(doc);
      return inputError(() => parseInventory(JSON.stringify(doc, null, 2), 'inv.json')).message;
    };
    expect(unknown((d) => { d.policy = d.policies; delete d.policies; })).toMatch(/^inv\.json:\d+ \(policy\): unknown field "policy" \(expected one of: apiVersion, kind, source, namespaces, pods, workloads, externals, policies\)/);
    expect(unknown((d) => { d.pods[0].lables = d.pods[0].labels; })).toMatch(/\(pods\[0\]\.lables\): unknown field "lables"/);
    expect(unknown((d) => { d.namespaces[0].lables = {}; })).toMatch(/\(namespaces\[0\]\.lables\)/);
    expect(unknown((d) => { d.pods[0].ports[0].portt = 1; })).toMatch(/\(pods\[0\]\.ports\[0\]\.portt\)/);
    expect(unknown((d) => { d.pods[0].owner.uid = 'x'; })).toMatch(/\(pods\[0\]\.owner\.uid\)/);
    expect(unknown((d) => { d.workloads[0].labels = {}; })).toMatch(/\(workloads\[0\]\.labels\)/);
    expect(unknown((d) => { d.source.server = 'x'; })).toMatch(/\(source\.server\)/);
    expect(unknown((d) => { d.externals = [{ name: 'x', ip: '203.0.113.1', cidr: '0.0.0.0/0' }]; })).toMatch(/\(externals\[0\]\.cidr\)/);
  });

  it('takes a pod\'s ip as its only address when ips is not given', () => {
    const doc = JSON.parse(renderInventory(inv, 'json')) as { pods: { ip?: string; ips?: string[] }[] };
    delete doc.pods[0]!.ips;
    expect(parseInventory(JSON.stringify(doc), 'inv.json').pods[0]).toMatchObject({ ip: '10.0.0.2', ips: ['10.0.0.2'] });
  });
});
