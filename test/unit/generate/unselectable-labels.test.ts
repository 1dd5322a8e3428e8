// Labels Kubernetes refuses in a selector (only a recording can carry them: the API server never
// lets a pod have them) must never reach generated YAML: such a workload is treated like an
// unlabelled one, with its own note naming the label, and the output passes flowpol's own policy
// validation (the one `report --proposed` applies).
import { describe, expect, it } from 'vitest';
import type { Edge, Namespace, Peer } from '../../../src/model.js';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { renderManifests } from '../../../src/policy/manifests.js';
import { validateNetworkPolicy } from '../../../src/policy/validate.js';
import { ProofWorld, selfConsistency } from './proof.js';

const pod = (labels: Record<string, string>, namespace = 'x'): Peer => ({ kind: 'workload', identity: { namespace, labels } });
const edge = (source: Peer, destination: Peer, port = 80): Edge => ({
  source, destination, protocol: 'TCP', port, count: 3, firstSeen: 1_000, lastSeen: 2_000, verdicts: { FORWARDED: 3 }, destinationNames: [],
});
const NAMESPACES: Namespace[] = [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }, { name: 'y', labels: { 'kubernetes.io/metadata.name': 'y' } }];
const long = 'v'.repeat(64);

const BAD_VALUES = ['v=w', 'a b', 'pipe|val', '</script>', 'naïve', '-lead', 'trail.', long];
const BAD_KEYS = ['a/b/c', '/x', 'x/', 'Example.COM/team', '-bad', `example.com/${'n'.repeat(64)}`];
const BAD: Record<string, string>[] = [...BAD_VALUES.map((v) => ({ app: 'src', k: v })), ...BAD_KEYS.map((k) => ({ app: 'src', [k]: 'ok' }))];

describe('generate with labels Kubernetes refuses', () => {
  const dst = pod({ app: 'dst' });
  const other = pod({ app: 'other' }, 'y');

  it.each(BAD.map((labels) => [JSON.stringify(labels), labels] as const))('%s: no policy, no peer, a note naming the label', (_name, labels) => {
    const bad = pod(labels);
    const edges = [edge(bad, dst), edge(dst, bad, 81), edge(other, bad, 82), edge(dst, other, 83)];
    const set = generatePolicies({ edges, namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS);
    expect(set.policies.map((p) => p.policy.metadata.annotations?.['flowpol.io/identity']).sort()).toEqual(['x/app=dst', 'y/app=other']);
    const badKey = Object.keys(labels).find((k) => k !== 'app')!;
    const notes = set.notes.filter((n) => n.code === 'not-expressible-labels');
    expect(notes).toHaveLength(3);
    for (const n of notes) expect(n.message).toContain(`label ${badKey}=${labels[badKey]}: label `);
    // The output is what `report --proposed` reads: flowpol's validation accepts every policy.
    const list = JSON.parse(renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'json')) as { items: unknown[] };
    list.items.forEach((item, i) => expect(() => validateNetworkPolicy(item, { file: 'generated', field: `items[${i}]` })).not.toThrow());
    // And the notes tell the truth: the three edges are denied, the labelled one allowed.
    const self = selfConsistency(new ProofWorld(set, edges, NAMESPACES));
    expect(self.failures).toEqual([]);
    expect(self).toMatchObject({ allowed: 1, denied: 3 });
  });

  it.each(['y-é', 'Bad_NS', '-lead', 'n'.repeat(64)])('namespace %s (one Kubernetes refuses): no policy in it, no peer in it, a note naming it', (name) => {
    const bad = pod({ app: 'src' }, name);
    const edges = [edge(bad, dst), edge(dst, bad, 81), edge(other, bad, 82), edge(dst, other, 83)];
    const set = generatePolicies({ edges, namespaces: [...NAMESPACES, { name, labels: {} }] }, DEFAULT_GENERATE_OPTIONS);
    expect(set.policies.map((p) => p.policy.metadata.annotations?.['flowpol.io/identity']).sort()).toEqual(['x/app=dst', 'y/app=other']);
    const notes = set.notes.filter((n) => n.code === 'not-expressible-namespace-name');
    expect(notes).toHaveLength(3);
    for (const n of notes) expect(n.message).toContain(`(namespace ${name})`);
    const list = JSON.parse(renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'json')) as { items: unknown[] };
    list.items.forEach((item, i) => expect(() => validateNetworkPolicy(item, { file: 'generated', field: `items[${i}]` })).not.toThrow());
    // (No proof world here: it simulates a default-deny in every namespace, and this one cannot hold a policy.)
  });

  it('leaves valid unusual labels alone: empty values, prefixed keys, 63 characters', () => {
    const fine = pod({ app: 'src', 'example.com/team': '', 'k': 'A_b.C-1', [`${'n'.repeat(63)}`]: 'v'.repeat(63) });
    const set = generatePolicies({ edges: [edge(fine, dst)], namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS);
    expect(set.notes).toEqual([]);
    expect(set.policies).toHaveLength(2);
  });

  it('does not select a namespace by observed labels Kubernetes refuses', () => {
    const legacy: Namespace[] = [...NAMESPACES, { name: 'legacy', labels: { team: 'a b' } }];
    const old = pod({ app: 'old' }, 'legacy');
    const set = generatePolicies({ edges: [edge(old, dst)], namespaces: legacy }, DEFAULT_GENERATE_OPTIONS);
    expect(set.notes.map((n) => n.code)).toEqual(['not-expressible-namespace']);
    expect(set.namespaces.find((n) => n.namespace === 'legacy')).toEqual({ namespace: 'legacy', basis: 'unselectable' });
  });
});
