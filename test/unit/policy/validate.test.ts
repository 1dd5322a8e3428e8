// Every rejected case: an InputError naming the policy (ns/name) and the field path.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { PolicyEngine } from '../../../src/policy/evaluate.js';

const base = (spec: Record<string, unknown>, metadata: Record<string, unknown> = { name: 'web', namespace: 'prod' }): unknown => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: { podSelector: {}, ...spec },
});
const ingressFrom = (peer: unknown): unknown => base({ ingress: [{ from: [peer] }] });
const ingressPort = (port: unknown): unknown => base({ ingress: [{ ports: [port] }] });

function rejection(policy: unknown): InputError {
  try {
    new PolicyEngine([{ policy, origin: { file: 'w.json', field: 'policies[0]' } }], []);
  } catch (err) {
    if (err instanceof InputError) return err;
    throw err;
  }
  throw new Error('policy was accepted');
}

const CASES: [string, unknown, string, RegExp][] = [
  ['bad operator', ingressFrom({ podSelector: { matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] } }),
    'policies[0].spec.ingress[0].from[0].podSelector.matchExpressions[0].operator', /not a valid selector operator/],
  ['In with no values', ingressFrom({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: [] }] } }),
    'policies[0].spec.ingress[0].from[0].podSelector.matchExpressions[0].values', /non-empty when operator is In/],
  ['NotIn with no values', base({ podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn' }] } }),
    'policies[0].spec.podSelector.matchExpressions[0].values', /non-empty when operator is NotIn/],
  ['Exists with values', ingressFrom({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'Exists', values: ['x'] }] } }),
    'policies[0].spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].values', /empty when operator is Exists/],
  ['DoesNotExist with values', ingressFrom({ podSelector: { matchExpressions: [{ key: 'team', operator: 'DoesNotExist', values: ['x'] }] } }),
    'policies[0].spec.ingress[0].from[0].podSelector.matchExpressions[0].values', /empty when operator is DoesNotExist/],
  ['invalid CIDR', ingressFrom({ ipBlock: { cidr: '10.0.0/8' } }), 'policies[0].spec.ingress[0].from[0].ipBlock.cidr', /valid CIDR/],
  ['CIDR prefix too long', ingressFrom({ ipBlock: { cidr: '2001:db8::/129' } }), 'policies[0].spec.ingress[0].from[0].ipBlock.cidr', /longer than 128/],
  ['CIDR with leading zeros', ingressFrom({ ipBlock: { cidr: '010.0.0.0/8' } }), 'policies[0].spec.ingress[0].from[0].ipBlock.cidr', /bad address/],
  ['except outside cidr', ingressFrom({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }),
    'policies[0].spec.ingress[0].from[0].ipBlock.except[0]', /strict subset/],
  ['except equal to cidr', ingressFrom({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }),
    'policies[0].spec.ingress[0].from[0].ipBlock.except[0]', /strict subset/],
  ['except of another family', ingressFrom({ ipBlock: { cidr: '10.0.0.0/8', except: ['2001:db8::/64'] } }),
    'policies[0].spec.ingress[0].from[0].ipBlock.except[0]', /strict subset/],
  ['invalid except CIDR', ingressFrom({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0'] } }),
    'policies[0].spec.ingress[0].from[0].ipBlock.except[0]', /valid CIDR/],
  ['endPort without port', ingressPort({ endPort: 90 }), 'policies[0].spec.ingress[0].ports[0].endPort', /port is not specified/],
  ['endPort with a named port', ingressPort({ port: 'http', endPort: 90 }), 'policies[0].spec.ingress[0].ports[0].endPort', /named port/],
  ['endPort below port', ingressPort({ port: 100, endPort: 90 }), 'policies[0].spec.ingress[0].ports[0].endPort', /greater than or equal to port 100/],
  ['endPort out of range', ingressPort({ port: 100, endPort: 70000 }), 'policies[0].spec.ingress[0].ports[0].endPort', /between 1 and 65535/],
  ['port 0', ingressPort({ port: 0 }), 'policies[0].spec.ingress[0].ports[0].port', /between 1 and 65535/],
  ['port 65536', base({ egress: [{ ports: [{ port: 65536 }] }] }), 'policies[0].spec.egress[0].ports[0].port', /between 1 and 65535/],
  ['port name with uppercase', ingressPort({ port: 'HTTP' }), 'policies[0].spec.ingress[0].ports[0].port', /IANA_SVC_NAME.*lowercase/],
  ['port name too long', ingressPort({ port: 'abcdefghijklmnop' }), 'policies[0].spec.ingress[0].ports[0].port', /1-15 characters/],
  ['port name without a letter', ingressPort({ port: '8080' }), 'policies[0].spec.ingress[0].ports[0].port', /at least one letter/],
  ['port name with --', ingressPort({ port: 'my--port' }), 'policies[0].spec.ingress[0].ports[0].port', /'--'/],
  ['port name with leading -', ingressPort({ port: '-http' }), 'policies[0].spec.ingress[0].ports[0].port', /begin or end/],
  ['port name with trailing -', ingressPort({ port: 'http-' }), 'policies[0].spec.ingress[0].ports[0].port', /begin or end/],
  ['unknown protocol', ingressPort({ protocol: 'ICMP', port: 80 }), 'policies[0].spec.ingress[0].ports[0].protocol', /unsupported protocol "ICMP"/],
  ['lowercase protocol', ingressPort({ protocol: 'tcp' }), 'policies[0].spec.ingress[0].ports[0].protocol', /unsupported protocol "tcp"/],
  ['ipBlock with podSelector', ingressFrom({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }), 'policies[0].spec.ingress[0].from[0]', /both ipBlock and another peer/],
  ['ipBlock with namespaceSelector', base({ egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8' }, namespaceSelector: {} }] }] }), 'policies[0].spec.egress[0].to[0]', /both ipBlock/],
  ['empty peer', ingressFrom({}), 'policies[0].spec.ingress[0].from[0]', /must specify a peer/],
  ['invalid label key', base({ podSelector: { matchLabels: { 'bad key': 'x' } } }), 'policies[0].spec.podSelector.matchLabels.bad key', /label key name/],
  ['invalid label key prefix', ingressFrom({ podSelector: { matchLabels: { 'Example.com/app': 'x' } } }), 'policies[0].spec.ingress[0].from[0].podSelector.matchLabels.Example.com/app', /prefix/],
  ['invalid label value', ingressFrom({ podSelector: { matchLabels: { app: 'has space' } } }), 'policies[0].spec.ingress[0].from[0].podSelector.matchLabels.app', /label value/],
  ['label value too long', ingressFrom({ namespaceSelector: { matchLabels: { app: 'a'.repeat(64) } } }), 'policies[0].spec.ingress[0].from[0].namespaceSelector.matchLabels.app', /longer than 63/],
  ['invalid expression key', ingressFrom({ podSelector: { matchExpressions: [{ key: '-app', operator: 'Exists' }] } }), 'policies[0].spec.ingress[0].from[0].podSelector.matchExpressions[0].key', /label key name/],
  ['invalid expression value', ingressFrom({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['a b'] }] } }), 'policies[0].spec.ingress[0].from[0].podSelector.matchExpressions[0].values[0]', /label value/],
  ['unknown policyType', base({ policyTypes: ['Ingres'] }), 'policies[0].spec.policyTypes[0]', /Ingress or Egress/],
  ['three policyTypes', base({ policyTypes: ['Ingress', 'Egress', 'Ingress'] }), 'policies[0].spec.policyTypes', /more than two/],
  ['misspelt field', base({ ingress: [{ fromm: [] }] }), 'policies[0].spec.ingress[0].fromm', /unknown field "fromm"/],
];

describe('policy validation', () => {
  it.each(CASES)('rejects %s', (_what, policy, field, message) => {
    const err = rejection(policy);
    expect(err.location).toEqual({ file: 'w.json', field });
    expect(err.reason).toMatch(/^policy prod\/web: /);
    expect(err.reason).toMatch(message);
    expect(err.message).toContain(`w.json (${field}): policy prod/web`);
  });

  it('rejects invalid names, naming the policy as written', () => {
    const name = rejection(base({}, { name: 'Web_Policy', namespace: 'prod' }));
    expect([name.location.field, name.reason]).toEqual(['policies[0].metadata.name', expect.stringMatching(/^policy prod\/Web_Policy: .*DNS subdomain/)]);
    const ns = rejection(base({}, { name: 'web', namespace: 'Prod' }));
    expect([ns.location.field, ns.reason]).toEqual(['policies[0].metadata.namespace', expect.stringMatching(/^policy Prod\/web: .*DNS label/)]);
  });

  it('rejects the wrong kind and apiVersion', () => {
    expect(rejection({ ...(base({}) as object), kind: 'CiliumNetworkPolicy' }).location.field).toBe('policies[0].kind');
    expect(rejection({ ...(base({}) as object), apiVersion: 'extensions/v1beta1' }).location.field).toBe('policies[0].apiVersion');
  });

  it('rejects the same policy twice', () => {
    const p = base({});
    expect(() => new PolicyEngine([p as never, p as never], [])).toThrow(/policy prod\/web: defined twice/);
  });

  it('accepts what the API server accepts: host bits in a CIDR, null lists, an empty port entry, an empty value', () => {
    const ok = base({
      ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.1/8', except: ['10.1.0.0/16'] } }], ports: [{}] }, { from: null, ports: null }],
      egress: [{ to: [{ podSelector: { matchLabels: { tier: '' }, matchExpressions: [] } }] }],
    });
    const engine = new PolicyEngine([{ policy: ok, origin: { file: 'w.json' } }], []);
    expect(engine.policies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['prod/web']);
  });

  it('puts a policy without metadata.namespace, or with an empty one, in default (as kubectl apply does)', () => {
    const engine = new PolicyEngine([base({}, { name: 'web' }) as never, base({}, { name: 'api', namespace: '' }) as never], []);
    expect(engine.policies.map((p) => p.metadata.namespace)).toEqual(['default', 'default']);
  });
});

describe('warnings: accepted, but ambiguous', () => {
  const warningsOf = (policy: unknown) => new PolicyEngine([{ policy, origin: { file: 'w.json', field: 'policies[0]' } }], []).warnings;

  it('names an ipBlock CIDR or except with host bits set, how flowpol reads it and both unambiguous spellings', () => {
    const warnings = warningsOf(ingressFrom({ ipBlock: { cidr: '10.0.0.1/8', except: ['10.1.0.0/16', '10.2.3.4/24'] } }));
    expect(warnings).toEqual([
      { location: { file: 'w.json', field: 'policies[0].spec.ingress[0].from[0].ipBlock.cidr' },
        message: 'policy prod/web: "10.0.0.1/8" has host bits set: flowpol reads it as 10.0.0.0/8 (as Cilium does), other CNIs may not; write 10.0.0.0/8, or 10.0.0.1/32 for the one address' },
      { location: { file: 'w.json', field: 'policies[0].spec.ingress[0].from[0].ipBlock.except[1]' },
        message: 'policy prod/web: "10.2.3.4/24" has host bits set: flowpol reads it as 10.2.3.0/24 (as Cilium does), other CNIs may not; write 10.2.3.0/24, or 10.2.3.4/32 for the one address' },
    ]);
    expect(warningsOf(ingressFrom({ ipBlock: { cidr: '2001:DB8:0:0:1::/64' } }))[0]?.message).toContain('reads it as 2001:db8::/64 (as Cilium does), other CNIs may not; write 2001:db8::/64, or 2001:db8:0:0:1::/128');
  });

  it('has nothing to say of canonical CIDRs, whatever their spelling', () => {
    expect(warningsOf(ingressFrom({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }))).toEqual([]);
    expect(warningsOf(ingressFrom({ ipBlock: { cidr: '2001:DB8::/32' } }))).toEqual([]);
    expect(warningsOf(ingressFrom({ ipBlock: { cidr: '0.0.0.0/0' } }))).toEqual([]);
  });
});
