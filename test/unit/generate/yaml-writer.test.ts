// The fast line writer must produce exactly what the `yaml` package writes for the same policy
// and comments (the reference below builds a yaml Document, as the first version of
// manifests.ts did).
import { describe, expect, it } from 'vitest';
import { Document, parseAllDocuments } from 'yaml';
import type { GeneratedPolicy, PolicySet } from '../../../src/model.js';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { ruleComment } from '../../../src/policy/manifests.js';
import { YamlWriter, portableYaml } from '../../../src/policy/yaml-writer.js';
import { NAMESPACES, handBuiltEdges } from './hand-built.js';
import { randomGraph } from './random-graph.js';

const OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false } as const;

function reference(generated: GeneratedPolicy): string {
  const doc = new Document(generated.policy, OPTIONS);
  for (const [field, rules] of [['ingress', generated.ingress], ['egress', generated.egress]] as const) {
    rules.forEach((rule, i) => {
      (doc.getIn(['spec', field, i], true) as { commentBefore?: string }).commentBefore = ruleComment(rule);
      rule.peers.forEach((peer, j) => {
        if (peer.names.length === 0) return;
        const cidr = doc.getIn(['spec', field, i, field === 'ingress' ? 'from' : 'to', j, 'ipBlock', 'cidr'], true);
        if (cidr !== undefined) (cidr as { comment?: string }).comment = ` ${peer.names.join(', ')}`;
      });
    });
  }
  return doc.toString(OPTIONS);
}

function expectSame(set: PolicySet): void {
  const writer = new YamlWriter();
  for (const p of set.policies) expect(writer.policy(p, ruleComment)).toBe(reference(p));
}

describe('YamlWriter', () => {
  it('writes the hand-built set exactly as the yaml package does, with every option', () => {
    expectSame(generatePolicies({ edges: handBuiltEdges(), namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS));
    const wide = { ...DEFAULT_GENERATE_OPTIONS, portRanges: true, alwaysDns: true, cidrPrefix: { v4: 20, v6: 40 }, minCount: 3 };
    expectSame(generatePolicies({ edges: handBuiltEdges(), namespaces: NAMESPACES }, wide));
  });

  it('writes random graphs exactly as the yaml package does', () => {
    for (const seed of [5, 6]) {
      const { edges, namespaces } = randomGraph(seed);
      expectSame(generatePolicies({ edges, namespaces }, DEFAULT_GENERATE_OPTIONS));
    }
  });

  it('quotes awkward scalars and block-writes awkward multi-line strings as the yaml package does', () => {
    const [first] = generatePolicies({ edges: handBuiltEdges(), namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS).policies;
    const p = structuredClone(first!);
    p.policy.metadata.labels = { a: 'true', b: '8080', c: '', d: 'maybe', 'e.io/f': 'null', g: '0x1f', h: '~', i: '1e3' };
    p.policy.metadata.annotations = {
      plain: 'x: y', hash: '#x', lines: 'one\ntwo three', indented: '  lead\nx', trailing: 'a \nb', empty: 'a\n\nb', end: 'a\nb\n',
    };
    p.policy.spec.podSelector = {};
    const text = new YamlWriter().policy(p, ruleComment);
    expect(text).toBe(reference(p));
    expect(parseAllDocuments(text)[0]?.toJS()).toEqual(JSON.parse(JSON.stringify(p.policy)));
  });

  it('quotes what YAML 1.1 (kubectl) would read as a boolean or number, so both versions read the same strings', () => {
    const [first] = generatePolicies({ edges: handBuiltEdges(), namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS).policies;
    const p = structuredClone(first!);
    const awkward = ['yes', 'no', 'on', 'off', 'y', 'N', 'Yes', 'OFF', '1_000', '1:20', '0b101', '012', '0o12', '.inf', '2024-01-01'];
    p.policy.metadata.labels = Object.fromEntries(awkward.map((v, i) => [`k${i}`, v]));
    p.policy.spec.podSelector = { matchLabels: { on: 'y' } };
    const text = new YamlWriter().policy(p, ruleComment);
    for (const version of ['1.1', '1.2'] as const) {
      expect(parseAllDocuments(text, { version })[0]?.toJS(), version).toEqual(JSON.parse(JSON.stringify(p.policy)));
    }
    expect(text).toContain('k0: "yes"');
    expect(text).toContain('"on": "y"');
  });

  it('portableYaml (the HTML report\'s policies) follows the same rule for any document', () => {
    const policy = { metadata: { name: 'p', labels: { on: 'yes', plain: 'web', n: '1:20' } }, spec: { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] } };
    const text = portableYaml(policy);
    for (const version of ['1.1', '1.2'] as const) expect(parseAllDocuments(text, { version })[0]?.toJS(), version).toEqual(policy);
    expect(text).toContain('"on": "yes"');
    expect(text).toContain('plain: web');
  });
});
