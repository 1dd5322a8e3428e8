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
});
