// Label parsing, identities with dropped labels and reasons, namespace labels.
import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../../src/model.js';
import { VOLATILE_LABEL_RULES, matchRule, parseLabel, withLabelOverrides } from '../../../src/identity/labels.js';
import { UsageError } from '../../../src/errors.js';
import { DEFAULT_IDENTITY_OPTIONS, identityKey, namespaceOf, workloadIdentity } from '../../../src/identity/identity.js';

describe('parseLabel', () => {
  it.each([
    ['k8s:app=web', { source: 'k8s', key: 'app', value: 'web' }],
    ['k8s:foo=', { source: 'k8s', key: 'foo', value: '' }],
    ['reserved:world', { source: 'reserved', key: 'world', value: undefined }],
    ['k8s:app.kubernetes.io/name=shop', { source: 'k8s', key: 'app.kubernetes.io/name', value: 'shop' }],
    ['k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=kube-system',
      { source: 'k8s', key: 'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name', value: 'kube-system' }],
    ['cidr:0--1/128', { source: 'cidr', key: '0--1/128', value: undefined }],
    ['cidr:2001-db8--/32', { source: 'cidr', key: '2001-db8--/32', value: undefined }],
    ['gen:io.cilium.k8s.named-ports=dns.UDP.53_dns-tcp.TCP.53', { source: 'gen', key: 'io.cilium.k8s.named-ports', value: 'dns.UDP.53_dns-tcp.TCP.53' }],
    ['k8s:a=b=c', { source: 'k8s', key: 'a', value: 'b=c' }],
    ['fqdn:*.github.com', { source: 'fqdn', key: '*.github.com', value: undefined }],
    ['plain=1', { source: 'unspec', key: 'plain', value: '1' }],
  ])('%s', (raw, parsed) => {
    expect(parseLabel(raw)).toEqual(parsed);
  });
});

describe('volatile label rules', () => {
  it.each([
    ['pod-template-hash', true], ['controller-revision-hash', true], ['pod-template-generation', true],
    ['statefulset.kubernetes.io/pod-name', true], ['apps.kubernetes.io/pod-index', true], ['controller-uid', true],
    ['batch.kubernetes.io/controller-uid', true], ['job-name', true], ['batch.kubernetes.io/job-name', true],
    ['topology.kubernetes.io/zone', true], ['io.cilium.k8s.policy.serviceaccount', true], ['io.kubernetes.pod.namespace', true],
    ['io.cilium.k8s.namespace.labels.team', true], ['app', false], ['app.kubernetes.io/name', false], ['job-name-suffix', false],
  ])('%s dropped: %s', (key, dropped) => {
    expect(matchRule(key, VOLATILE_LABEL_RULES) !== undefined).toBe(dropped);
  });

  it('every rule says why', () => {
    for (const rule of VOLATILE_LABEL_RULES) expect(rule.reason.length).toBeGreaterThan(10);
  });

  it('--drop-labels adds rules and --keep-labels makes exceptions, even under a prefix rule', () => {
    const rules = withLabelOverrides(VOLATILE_LABEL_RULES, { drop: ['version', 'team.example.com/*'], keep: ['topology.kubernetes.io/zone'] });
    expect(matchRule('version', rules)?.reason).toBe('dropped by --drop-labels');
    expect(matchRule('team.example.com/owner', rules)?.keep).toBeUndefined();
    expect(matchRule('topology.kubernetes.io/zone', rules)?.keep).toBe(true);
    expect(matchRule('topology.kubernetes.io/region', rules)?.keep).toBeUndefined();
  });

  it("--keep-labels never keeps the namespace or Cilium's own keys (QA: '*' gave policies selecting no pod), and refuses a pattern only they match", () => {
    const all = withLabelOverrides(VOLATILE_LABEL_RULES, { keep: ['*'] });
    for (const key of ['io.kubernetes.pod.namespace', 'io.cilium.k8s.policy.cluster', 'io.cilium.k8s.namespace.labels.team']) expect(matchRule(key, all)?.keep, key).toBeUndefined();
    for (const key of ['pod-template-hash', 'topology.kubernetes.io/zone', 'app']) expect(matchRule(key, all)?.keep, key).toBe(true);
    for (const pattern of ['io.kubernetes.pod.namespace', 'io.cilium.k8s.policy.*', 'io.cilium.k8s.policy.serviceaccount', 'io.cilium.k8s.namespace.labels.te*']) {
      expect(() => withLabelOverrides(VOLATILE_LABEL_RULES, { keep: [pattern] }), pattern).toThrow(UsageError);
    }
    expect(() => withLabelOverrides(VOLATILE_LABEL_RULES, { keep: ['io.cilium.k8s.policy.cluster'] })).toThrow(
      '--keep-labels io.cilium.k8s.policy.cluster: not a pod label (io.cilium.k8s.policy.*: Cilium-derived (service account, cluster), not a pod label), so no identity can keep it');
  });
});

const POD: Endpoint = {
  namespace: 'shop',
  podName: 'web-7d4b9c-x2k4q',
  identity: 4242,
  labels: [
    'k8s:app=web', 'k8s:tier=', 'k8s:pod-template-hash=7d4b9c', 'k8s:io.kubernetes.pod.namespace=shop',
    'k8s:io.cilium.k8s.policy.serviceaccount=web', 'k8s:io.cilium.k8s.namespace.labels.team=payments',
    'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=shop', 'k8s:topology.kubernetes.io/zone=a',
    'container:id=abc', 'gen:io.cilium.k8s.named-ports=http.TCP.80',
  ],
  workloads: [],
};

describe('workloadIdentity', () => {
  it('keeps the stable k8s labels and says why each other label was dropped', () => {
    const result = workloadIdentity(POD, DEFAULT_IDENTITY_OPTIONS);
    expect(result?.identity).toEqual({ namespace: 'shop', labels: { app: 'web', tier: '' } });
    expect(Object.keys(result?.identity.labels ?? {})).toEqual(['app', 'tier']);
    expect(result?.dropped.map((d) => d.key)).toEqual([
      'pod-template-hash', 'io.kubernetes.pod.namespace', 'io.cilium.k8s.policy.serviceaccount',
      'io.cilium.k8s.namespace.labels.team', 'io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name',
      'topology.kubernetes.io/zone', 'container:id', 'gen:io.cilium.k8s.named-ports',
    ]);
    expect(result?.dropped[0]?.reason).toMatch(/rollout/);
    expect(result?.dropped[6]?.reason).toMatch(/not Kubernetes pod labels/);
    expect(identityKey(result!.identity)).toBe('shop/app=web,tier=');
  });

  it('takes the namespace from the pod-namespace label when the field is missing', () => {
    const ep = { labels: ['k8s:io.kubernetes.pod.namespace=jobs', 'k8s:job-name=backup-28001', 'k8s:app=backup'], workloads: [] };
    expect(workloadIdentity(ep, DEFAULT_IDENTITY_OPTIONS)?.identity).toEqual({ namespace: 'jobs', labels: { app: 'backup' } });
  });

  it('an empty pod-namespace label is no namespace: the endpoint is not a workload', () => {
    const ep = { labels: ['k8s:io.kubernetes.pod.namespace=', 'k8s:app=x'], workloads: [] };
    expect(workloadIdentity(ep, DEFAULT_IDENTITY_OPTIONS)).toBeUndefined();
    expect(namespaceOf(ep)).toBeUndefined();
  });

  it('--keep-labels keeps a key in the identity that a volatile rule would drop', () => {
    const rules = withLabelOverrides(VOLATILE_LABEL_RULES, { keep: ['topology.kubernetes.io/zone'] });
    const result = workloadIdentity(POD, { dropRules: rules });
    expect(result?.identity.labels).toEqual({ app: 'web', tier: '', 'topology.kubernetes.io/zone': 'a' });
    expect(result?.dropped.map((d) => d.key)).not.toContain('topology.kubernetes.io/zone');
  });

  it('a pod without k8s labels is a workload with an empty label set; non-pods have none', () => {
    const bare = { namespace: 'lab', podName: 'client', labels: [], workloads: [] };
    expect(workloadIdentity(bare, DEFAULT_IDENTITY_OPTIONS)).toEqual({ identity: { namespace: 'lab', labels: {} }, dropped: [] });
    expect(identityKey({ namespace: 'lab', labels: {} })).toBe('lab/');
    expect(workloadIdentity({ labels: ['reserved:host'], workloads: [] }, DEFAULT_IDENTITY_OPTIONS)).toBeUndefined();
  });

  it('identityKey sorts labels whatever the insertion order', () => {
    expect(identityKey({ namespace: 'ns', labels: { tier: 'fe', app: 'web' } })).toBe('ns/app=web,tier=fe');
  });
});

describe('namespaceOf', () => {
  it("returns the namespace's own labels from the namespace-labels prefix", () => {
    expect(namespaceOf(POD)).toEqual({ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop', team: 'payments' } });
    expect(namespaceOf({ labels: ['reserved:world'], workloads: [] })).toBeUndefined();
  });
});
