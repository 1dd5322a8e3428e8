// Seeded random worlds and policies (no dependency): algebraic properties of NetworkPolicy
// semantics that must hold for any input.
import { describe, expect, it } from 'vitest';
import type { Connection, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, PolicyProtocol, SideVerdict, Subject } from '../../../src/model.js';
import { PolicyEngine } from '../../../src/policy/evaluate.js';
import { rng } from './random.js';

const NAMESPACES = ['x', 'y', 'z'];
const PROTOCOLS: PolicyProtocol[] = ['TCP', 'UDP'];
const PORTS = [53, 80, 8080];

function makeWorld(r: () => number) {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const labels = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const key of ['app', 'tier', 'env']) if (r() < 0.6) out[key] = pick(['a', 'b', '']);
    return out;
  };
  const namespaces = NAMESPACES.map((name) => ({ name, labels: labels() }));
  const subjects: Subject[] = [];
  for (let i = 0; i < 7; i++) {
    subjects.push({ kind: 'pod', namespace: pick(NAMESPACES), name: `p${i}`, labels: labels(),
      ports: r() < 0.5 ? [{ name: 'web', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }] : [{ name: 'web', port: 8080, protocol: 'TCP' }] });
  }
  subjects.push({ kind: 'external', ip: '192.0.2.10' }, { kind: 'external', ip: '2001:db8::1' });
  const connections: Connection[] = [];
  for (const source of subjects) for (const destination of subjects) {
    if (source === destination) continue;
    for (const protocol of PROTOCOLS) for (const port of PORTS) connections.push({ source, destination, protocol, port });
  }
  const selector = () => (r() < 0.3 ? {} : r() < 0.5
    ? { matchLabels: labels() }
    : { matchExpressions: [{ key: pick(['app', 'tier']), operator: pick(['In', 'NotIn'] as const), values: [pick(['a', 'b', ''])] }, ...(r() < 0.5 ? [{ key: 'env', operator: pick(['Exists', 'DoesNotExist'] as const) }] : [])] });
  const peer = (): NetworkPolicyPeer => {
    const k = r();
    if (k < 0.15) return { ipBlock: r() < 0.5 ? { cidr: '192.0.2.0/24', except: ['192.0.2.8/29'] } : { cidr: '2001:db8::/32' } };
    if (k < 0.45) return { podSelector: selector() };
    if (k < 0.7) return { namespaceSelector: selector() };
    return { podSelector: selector(), namespaceSelector: selector() };
  };
  const port = (): NetworkPolicyPort => {
    const k = r();
    if (k < 0.25) return { protocol: pick(PROTOCOLS) };
    if (k < 0.5) return { port: pick(['web', 'dns']), ...(r() < 0.5 ? { protocol: pick(PROTOCOLS) } : {}) };
    if (k < 0.75) return { port: 50, endPort: pick([60, 100, 9000]) };
    return { port: pick(PORTS), protocol: pick(PROTOCOLS) };
  };
  const rules = () => Array.from({ length: Math.floor(r() * 3) }, () => ({
    ...(r() < 0.7 ? { peers: Array.from({ length: Math.floor(r() * 3) }, peer) } : {}),
    ...(r() < 0.6 ? { ports: Array.from({ length: 1 + Math.floor(r() * 2) }, port) } : {}),
  }));
  let n = 0;
  const policy = (namespace = pick(NAMESPACES)): NetworkPolicy => {
    const ingress = rules().map((x) => ({ ...(x.peers ? { from: x.peers } : {}), ...(x.ports ? { ports: x.ports } : {}) }));
    const egress = rules().map((x) => ({ ...(x.peers ? { to: x.peers } : {}), ...(x.ports ? { ports: x.ports } : {}) }));
    const types = pick([undefined, ['Ingress'], ['Egress'], ['Ingress', 'Egress']] as const);
    return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: `np${n++}`, namespace },
      spec: { podSelector: selector(), ingress, egress, ...(types ? { policyTypes: [...types] } : {}) } };
  };
  return { namespaces, subjects, connections, policy };
}

const show = (c: Connection): string => JSON.stringify([c.source, c.destination, c.protocol, c.port]);
const sideAllows = (s: SideVerdict): boolean => s.kind !== 'denied';

describe('policy engine properties (seeded)', () => {
  it('adding a policy that selects only non-isolated pods never allows more', () => {
    let checked = 0;
    const broken: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const w = makeWorld(rng(seed));
      const base = Array.from({ length: seed % 4 }, () => w.policy());
      const before = new PolicyEngine(base, w.namespaces);
      const added = w.policy();
      const after = new PolicyEngine([...base, added], w.namespaces);
      const touchesIsolated = w.subjects.some((s) => (['ingress', 'egress'] as const).some((d) =>
        after.isolatedBy(s, d).includes(`${added.metadata.namespace}/${added.metadata.name}`) && before.isolatedBy(s, d).length > 0));
      if (touchesIsolated) continue;
      checked++;
      for (const c of w.connections) {
        if (after.allows(c) && !before.allows(c)) broken.push(`seed ${seed}: ${show(c)}`);
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(broken).toEqual([]);
  });

  it('once a pod is isolated, two policies together allow exactly what either allows alone', () => {
    const broken: string[] = [];
    for (let seed = 1; seed <= 300; seed++) {
      const w = makeWorld(rng(seed * 7919));
      const denyAll = NAMESPACES.map((namespace): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
        metadata: { name: 'deny-all', namespace }, spec: { podSelector: {}, policyTypes: ['Ingress', 'Egress'] } }));
      const a = w.policy();
      const b = w.policy();
      const withA = new PolicyEngine([...denyAll, a], w.namespaces);
      const withB = new PolicyEngine([...denyAll, b], w.namespaces);
      const both = new PolicyEngine([...denyAll, a, b], w.namespaces);
      for (const c of w.connections) {
        const [va, vb, vab] = [withA.evaluate(c), withB.evaluate(c), both.evaluate(c)];
        for (const d of ['egress', 'ingress'] as const) {
          if (sideAllows(vab[d]) !== (sideAllows(va[d]) || sideAllows(vb[d]))) broken.push(`seed ${seed} ${d}: ${show(c)}`);
        }
      }
    }
    expect(broken).toEqual([]);
  });

  it('the fast path and the explained verdict always agree', () => {
    const broken: string[] = [];
    for (let seed = 1; seed <= 200; seed++) {
      const w = makeWorld(rng(seed * 104729));
      const engine = new PolicyEngine(Array.from({ length: 1 + (seed % 5) }, () => w.policy()), w.namespaces);
      for (const c of w.connections) if (engine.allows(c) !== (engine.evaluate(c).decision === 'allow')) broken.push(`seed ${seed}: ${show(c)}`);
    }
    expect(broken).toEqual([]);
  });
});
