// The structured Verdict: sides, isolating policies, admitting rules, near misses, unknown labels.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import type { NetworkPolicy, Subject } from '../../../src/model.js';
import { deniedSides, PolicyEngine } from '../../../src/policy/evaluate.js';

const np = (name: string, spec: Partial<NetworkPolicy['spec']>): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'prod' }, spec: { podSelector: {}, ...spec },
});
const web: Subject = { kind: 'pod', namespace: 'prod', name: 'web', labels: { app: 'web' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
const api: Subject = { kind: 'pod', namespace: 'prod', name: 'api', labels: { app: 'api' }, ports: [{ name: 'http', port: 9000, protocol: 'TCP' }] };
const stranger: Subject = { kind: 'pod', namespace: 'unlisted', labels: { app: 'web' }, ports: [] };
const internet: Subject = { kind: 'external', ip: '203.0.113.9' };

describe('PolicyEngine verdicts', () => {
  const engine = new PolicyEngine([
    np('api-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [
      { from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ port: 'http' }] },
      { from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }] },
    ] }),
    np('web-out', { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { app: 'api' } } }] }] }),
  ], [{ name: 'prod', labels: {} }]);

  it('explains an allow with the admitting rule and the isolating policies', () => {
    const v = engine.evaluate({ source: web, destination: api, protocol: 'TCP', port: 9000 });
    expect(v).toEqual({
      decision: 'allow',
      egress: { kind: 'allowed', isolatedBy: ['prod/web-out'], allowedBy: [{ policy: 'prod/web-out', direction: 'egress', rule: 0 }], namespaceLabelsUnknown: [] },
      ingress: { kind: 'allowed', isolatedBy: ['prod/api-in'], allowedBy: [{ policy: 'prod/api-in', direction: 'ingress', rule: 0 }], namespaceLabelsUnknown: [] },
    });
    expect(deniedSides(v)).toEqual([]);
  });

  it('explains a deny with the near misses: peer matched but port did not, and the reverse', () => {
    const v = engine.evaluate({ source: web, destination: api, protocol: 'TCP', port: 8080 });
    expect(v.decision).toBe('deny');
    expect(deniedSides(v)).toEqual(['ingress']);
    expect(v.ingress).toEqual({
      kind: 'denied', isolatedBy: ['prod/api-in'],
      nearMisses: [{ policy: 'prod/api-in', direction: 'ingress', rule: 0, mismatch: 'port' }, { policy: 'prod/api-in', direction: 'ingress', rule: 1, mismatch: 'peer' }],
      namespaceLabelsUnknown: [],
    });
  });

  it('says which namespace labels were unknown instead of guessing silently', () => {
    const v = engine.evaluate({ source: stranger, destination: api, protocol: 'TCP', port: 9000 });
    expect(v.decision).toBe('deny');
    expect(v.ingress).toMatchObject({ kind: 'denied', namespaceLabelsUnknown: ['unlisted'] });
    expect(engine.knowsNamespace('unlisted')).toBe(false);
    expect(engine.knowsNamespace('prod')).toBe(true);
  });

  it('leaves externals ungoverned and denies them where a side is isolated', () => {
    expect(engine.evaluate({ source: internet, destination: web, protocol: 'TCP', port: 8080 })).toEqual({
      decision: 'allow', egress: { kind: 'not-governed', reason: 'external' }, ingress: { kind: 'not-isolated' } });
    const out = engine.evaluate({ source: web, destination: internet, protocol: 'UDP', port: 53 });
    expect([out.decision, out.egress.kind, out.ingress.kind]).toEqual(['deny', 'denied', 'not-governed']);
  });

  it('lists the isolating policies per direction', () => {
    expect(engine.isolatedBy(web, 'egress')).toEqual(['prod/web-out']);
    expect(engine.isolatedBy(web, 'ingress')).toEqual([]);
    expect(engine.isolatedBy(internet, 'ingress')).toEqual([]);
  });

  it('gives the same verdict for equal subjects that are different objects', () => {
    const copy: Subject = { kind: 'pod', namespace: 'prod', labels: { app: 'web' }, ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] };
    const c = { destination: api, protocol: 'TCP', port: 9000 } as const;
    expect(engine.evaluate({ ...c, source: copy })).toEqual(engine.evaluate({ ...c, source: web }));
  });

  it('rejects an external that is not an IP address', () => {
    expect(() => engine.evaluate({ source: web, destination: { kind: 'external', ip: 'example.com' }, protocol: 'TCP', port: 80 }))
      .toThrow(InputError);
  });
});

describe('PolicyEngine subjects', () => {
  it('tells label sets apart whatever characters their keys and values hold', () => {
    // Subjects are cached by their namespace, labels and ports: two label sets that a text key
    // with separators would confuse must still be two pods.
    const engine = new PolicyEngine([
      np('a-in', { podSelector: { matchExpressions: [{ key: 'a', operator: 'Exists' }] }, policyTypes: ['Ingress'] }),
    ], [{ name: 'prod', labels: {} }]);
    const pod = (labels: Record<string, string>): Subject => ({ kind: 'pod', namespace: 'prod', labels, ports: [] });
    const to = (destination: Subject) => engine.evaluate({ source: web, destination, protocol: 'TCP', port: 80 }).decision;
    expect(to(pod({ 'a\u0001b': 'c' }))).toBe('allow');
    expect(to(pod({ a: 'b\u0001c' }))).toBe('deny');
    expect(to(pod({ 'a\u0002x': '' }))).toBe('allow');
    expect(to(pod({ a: '', x: '' }))).toBe('deny');
  });

  it('resolves named ports against each pod\'s own container ports, also for pods with equal labels', () => {
    const engine = new PolicyEngine([
      np('http-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ], [{ name: 'prod', labels: {} }]);
    const apiOn = (port: number): Subject => ({ kind: 'pod', namespace: 'prod', labels: { app: 'api' }, ports: [{ name: 'http', port, protocol: 'TCP' }] });
    const to = (destination: Subject, port: number) => {
      const c = { source: web, destination, protocol: 'TCP', port } as const;
      expect(engine.allows(c)).toBe(engine.evaluate(c).decision === 'allow');
      return engine.evaluate(c).decision;
    };
    expect(to(apiOn(9000), 9000)).toBe('allow');
    expect(to(apiOn(9100), 9100)).toBe('allow');
    expect(to(apiOn(9100), 9000)).toBe('deny');
    expect(to(apiOn(9000), 9100)).toBe('deny');
  });
});

describe('PolicyEngine empty lists and defaulted policyTypes', () => {
  const pod = (app: string): Subject => ({ kind: 'pod', namespace: 'prod', labels: { app }, ports: [] });

  it('reads an empty ports list as every port and protocol, like an absent one', () => {
    // NetworkPolicyIngressRule.ports: "If this field is empty or missing, this rule matches all ports".
    const engine = new PolicyEngine([np('db-in', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api' } } }], ports: [] }] })], [{ name: 'prod', labels: {} }]);
    for (const [protocol, port] of [['TCP', 5432], ['UDP', 53], ['SCTP', 9]] as const) {
      const c = { source: pod('api'), destination: pod('db'), protocol, port };
      expect(engine.evaluate(c).decision, `${protocol}/${port}`).toBe('allow');
      expect(engine.allows(c), `${protocol}/${port}`).toBe(true);
    }
    expect(engine.evaluate({ source: pod('web'), destination: pod('db'), protocol: 'TCP', port: 5432 }).decision).toBe('deny');
  });

  it('defaults policyTypes to Ingress alone when egress is an empty list, as the API server does', () => {
    // SetDefaults_NetworkPolicySpec adds Egress only when len(spec.egress) != 0.
    const engine = new PolicyEngine([np('web', { podSelector: { matchLabels: { app: 'web' } }, ingress: [], egress: [] })], [{ name: 'prod', labels: {} }]);
    expect(engine.isolatedBy(pod('web'), 'ingress')).toEqual(['prod/web']);
    expect(engine.isolatedBy(pod('web'), 'egress')).toEqual([]);
    const out = { source: pod('web'), destination: internet, protocol: 'TCP', port: 443 } as const;
    expect(engine.evaluate(out)).toEqual({ decision: 'allow', egress: { kind: 'not-isolated' }, ingress: { kind: 'not-governed', reason: 'external' } });
    expect(engine.allows(out)).toBe(true);
  });
});

describe('PolicyEngine namespace labels it had to assume', () => {
  const other: Subject = { kind: 'pod', namespace: 'unlisted', labels: { app: 'other' }, ports: [] };

  it('does not report a namespace whose labels no selector looked at: namespaceSelector {} selects every namespace', () => {
    const engine = new PolicyEngine([
      np('any-ns', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { app: 'web' } } }] }] }),
    ], [{ name: 'prod', labels: {} }]);
    expect(engine.evaluate({ source: stranger, destination: api, protocol: 'TCP', port: 9000 }).ingress).toEqual({
      kind: 'allowed', isolatedBy: ['prod/any-ns'], allowedBy: [{ policy: 'prod/any-ns', direction: 'ingress', rule: 0 }], namespaceLabelsUnknown: [],
    });
    // Denied by the podSelector: the namespace's labels did not decide it either.
    expect(engine.evaluate({ source: other, destination: api, protocol: 'TCP', port: 9000 }).ingress).toMatchObject({ kind: 'denied', namespaceLabelsUnknown: [] });
  });

  it('does not report a namespace for a rule whose ports did not match anyway', () => {
    const engine = new PolicyEngine([
      np('ops-in', { podSelector: { matchLabels: { app: 'api' } }, ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }], ports: [{ port: 9999 }] }] }),
    ], [{ name: 'prod', labels: {} }]);
    expect(engine.evaluate({ source: other, destination: api, protocol: 'TCP', port: 9000 }).ingress).toEqual({
      kind: 'denied', isolatedBy: ['prod/ops-in'], nearMisses: [], namespaceLabelsUnknown: [],
    });
    // On the rule's port the unknown labels did decide the denial: reported.
    expect(engine.evaluate({ source: other, destination: api, protocol: 'TCP', port: 9999 }).ingress).toMatchObject({ kind: 'denied', namespaceLabelsUnknown: ['unlisted'] });
  });
});
