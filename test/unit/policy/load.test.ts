// Policy files (YAML/JSON, multi-document, List, directories) and world-file errors naming the
// file and JSON path.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { PolicyEngine } from '../../../src/policy/evaluate.js';
import { loadPolicyFiles, parsePolicyText } from '../../../src/policy/load.js';
import { parseWorld } from '../../../src/policy/world-file.js';

const YAML = `# two documents and a List
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a, namespace: x}
spec: {podSelector: {}}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Service
  metadata: {name: s}
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: b, namespace: x}
  spec:
    podSelector: {}
    ingress:
    - ports:
      - port: HTTP
---
`;

describe('policy files', () => {
  it('reads documents and List items with their lines, and reports skipped kinds', () => {
    const r = parsePolicyText(YAML, 'p.yaml');
    expect(r.policies.map(({ origin: { lineOf, ...at } }) => at)).toEqual([{ file: 'p.yaml', line: 2 }, { file: 'p.yaml', line: 13, field: 'items[1]' }]);
    // A field's line, by its path from the document's root (a List item's starts with items[i]).
    expect(r.policies[0]?.origin.lineOf?.('spec.podSelector')).toBe(5);
    expect(r.policies[1]?.origin.lineOf?.('items[1].spec.podSelector')).toBe(17);
    expect(r.policies[1]?.origin.lineOf?.('items[1].spec.egress')).toBe(17); // missing: its parent, spec's map
    expect(r.policies[1]?.origin.lineOf?.('items[1].spec.ingress[0].ports[0].port')).toBe(20);
    expect(r.skipped).toEqual([{ file: 'p.yaml', line: 10, kind: 'Service' }]);
  });

  it('warns where kubectl (YAML 1.1) would read an unquoted yes/no/on/off as a boolean; flowpol reads a string', () => {
    const text = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a, namespace: x}
spec:
  podSelector:
    matchLabels: {feature: on, quoted: "off", word: only}
  ingress:
  - from:
    - podSelector:
        matchExpressions: [{key: canary, operator: In, values: [yes, No, 'n', nope]}]
`;
    const r = parsePolicyText(text, 'p.yaml');
    expect((r.policies[0]?.policy as { spec: { podSelector: { matchLabels: object } } }).spec.podSelector.matchLabels).toEqual({ feature: 'on', quoted: 'off', word: 'only' });
    expect(r.warnings.map((w) => [w.location.line, w.message.split(' is ')[0]])).toEqual([[6, 'unquoted on'], [10, 'unquoted yes'], [10, 'unquoted No']]);
    expect(r.warnings[0]?.message).toContain('a boolean to kubectl (YAML 1.1)');
    // JSON has no such ambiguity, and neither has YAML that quotes.
    expect(parsePolicyText(YAML, 'p.yaml').warnings).toEqual([]);
  });

  it('names file, line and field when a policy from a file is invalid', () => {
    const r = parsePolicyText(YAML, 'p.yaml');
    // The line of the bad field itself (20), not of the List item that holds it (13).
    expect(() => new PolicyEngine(r.policies, [])).toThrow('p.yaml:20 (items[1].spec.ingress[0].ports[0].port): policy x/b: port name "HTTP" is not a valid IANA_SVC_NAME');
  });

  it('a List without an items list is an InputError naming file, line and field', () => {
    const text = 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: a, namespace: x}\nspec: {podSelector: {}}\n---\napiVersion: v1\nkind: NetworkPolicyList\nitems: {}\n';
    expect(() => parsePolicyText(text, 'l.yaml')).toThrow(InputError);
    expect(() => parsePolicyText(text, 'l.yaml')).toThrow(/^l\.yaml:6 \(items\): a NetworkPolicyList needs an items list/);
    expect(() => parsePolicyText('{"kind": "List"}', 'l.json')).toThrow(/^l\.json:1 \(items\): a List needs an items list/);
  });

  it('reports YAML syntax errors with the line', () => {
    expect(() => parsePolicyText('kind: NetworkPolicy\nspec: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:\d+: not valid YAML/);
  });

  it('walks directories in sorted order, JSON included, ignoring other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-load-'));
    mkdirSync(join(dir, 'sub'));
    const policy = (name: string) => JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name }, spec: { podSelector: {} } });
    writeFileSync(join(dir, 'b.json'), policy('from-json'));
    writeFileSync(join(dir, 'a.yml'), `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: from-yml}\nspec: {podSelector: {}}\n`);
    writeFileSync(join(dir, 'sub', 'c.yaml'), `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicyList\nitems:\n- ${policy('from-list')}\n`);
    writeFileSync(join(dir, 'c.YAML'), policy('from-upper-case-name'));
    writeFileSync(join(dir, 'README.md'), '# not a policy');
    const r = await loadPolicyFiles([dir]);
    expect(r.policies.map((p) => (p.policy as { metadata: { name: string } }).metadata.name)).toEqual(['from-yml', 'from-json', 'from-upper-case-name', 'from-list']);
    await expect(loadPolicyFiles([join(dir, 'missing.yaml')])).rejects.toThrow(/cannot read/);
  });

  it('names each path given that yields no NetworkPolicy at all: empty, comments, `---`, other kinds, a directory of such', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowpol-load-empty-'));
    const files = {
      'empty.yaml': '',
      'comments.yaml': '# flowpol generate failed\n---\n---\n',
      'blank.json': '\n',
      'deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n',
      'policy.yaml': '---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: x}\nspec: {podSelector: {}}\n',
    };
    for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
    const nothing = join(dir, 'nothing');
    mkdirSync(nothing);
    writeFileSync(join(nothing, 'a.yaml'), '# nothing yet\n');
    const paths = [...Object.keys(files).map((f) => join(dir, f)), nothing];
    const r = await loadPolicyFiles(paths);
    expect(r.policies).toHaveLength(1);
    expect(r.skipped).toEqual([{ file: join(dir, 'deployment.yaml'), line: 1, kind: 'Deployment' }]);
    expect(r.empty).toEqual(['empty.yaml', 'comments.yaml', 'blank.json', 'deployment.yaml'].map((f) => join(dir, f)).concat(nothing));
    // A directory holding a policy in one file and nothing in another yields a policy: not named.
    writeFileSync(join(nothing, 'b.yaml'), files['policy.yaml']);
    expect((await loadPolicyFiles([nothing])).empty).toEqual([]);
  });
});

describe('world files', () => {
  const world = (patch: Record<string, unknown>): string => JSON.stringify({
    name: 'w', namespaces: [{ name: 'x', labels: {} }],
    pods: [{ namespace: 'x', name: 'a', labels: { app: 'a' }, ports: [{ name: 'http', port: 80, protocol: 'TCP' }] }],
    externals: [{ name: 'net', ip: '192.0.2.1' }], policies: [], probes: [{ from: 'x/a', to: 'ext:net', port: 80, protocol: 'TCP' }], ...patch,
  });
  const error = (text: string): InputError => {
    try {
      parseWorld(text, 'world.json');
    } catch (err) {
      if (err instanceof InputError) return err;
      throw err;
    }
    throw new Error('accepted');
  };

  it.each([
    ['an unknown pod in a probe', { probes: [{ from: 'x/a', to: 'x/nope', port: 80 }] }, 'probes[0].to', /"x\/nope" is not a pod/],
    ['an unknown external', { probes: [{ from: 'ext:none', to: 'x/a', port: 80 }] }, 'probes[0].from', /not a pod .* or external/],
    ['a bad probe port', { probes: [{ from: 'x/a', to: 'x/a', port: 0 }] }, 'probes[0].port', /between 1 and 65535/],
    ['a bad probe protocol', { probes: [{ from: 'x/a', to: 'x/a', port: 80, protocol: 'ICMP' }] }, 'probes[0].protocol', /TCP, UDP, SCTP/],
    ['a bad expectation', { probes: [{ from: 'x/a', to: 'x/a', port: 80, expected: 'allowed' }] }, 'probes[0].expected', /"allow" or "deny"/],
    ['a bad container port name', { pods: [{ namespace: 'x', name: 'a', ports: [{ name: 'Web', port: 80 }] }], probes: [] }, 'pods[0].ports[0].name', /IANA_SVC_NAME/],
    ['a bad external IP', { externals: [{ name: 'n', ip: '300.1.1.1' }], probes: [] }, 'externals[0].ip', /not an IPv4 or IPv6 address/],
    ['a duplicate pod', { pods: [{ namespace: 'x', name: 'a' }, { namespace: 'x', name: 'a' }], probes: [] }, 'pods[1].name', /defined twice/],
    ['an unknown top-level field', { probe: [] }, 'probe', /unknown field/],
    ['an empty world name', { name: '' }, 'name', /must be a non-empty string/],
    ['a duplicate namespace', { namespaces: [{ name: 'x' }, { name: 'x' }], probes: [] }, 'namespaces[1].name', /namespace "x" is defined twice/],
    ['a duplicate external', { externals: [{ name: 'n', ip: '192.0.2.1' }, { name: 'n', ip: '192.0.2.2' }], probes: [] }, 'externals[1].name', /external "n" is defined twice/],
    ['a bad pod IP', { pods: [{ namespace: 'x', name: 'a', ip: '10.0.0.300' }], probes: [] }, 'pods[0].ip', /"10\.0\.0\.300" is not an IPv4 or IPv6 address/],
    ['an empty external name', { externals: [{ name: '', ip: '192.0.2.1' }], probes: [] }, 'externals[0].name', /must be a non-empty string/],
    ['an invalid pod label', { pods: [{ namespace: 'x', name: 'a', labels: { app: 'a b' } }], probes: [] }, 'pods[0].labels.app', /label value/],
    ['a namespace name Kubernetes refuses', { namespaces: [{ name: 'Prod' }], probes: [] }, 'namespaces[0].name', /"Prod" must be a lowercase DNS label/],
    ['a pod in such a namespace', { pods: [{ namespace: 'y-é', name: 'a' }], probes: [] }, 'pods[0].namespace', /"y-é" must be a lowercase DNS label/],
    ['a pod name Kubernetes refuses', { pods: [{ namespace: 'x', name: 'a/b' }], probes: [] }, 'pods[0].name', /"a\/b" must be a lowercase DNS subdomain/],
  ])('rejects %s with file and JSON path', (_what, patch, field, message) => {
    const err = error(world(patch));
    expect(err.location).toEqual({ file: 'world.json', field });
    expect(err.reason).toMatch(message);
  });

  it('reports JSON syntax errors with the line', () => {
    expect(error('{\n  "name": "w",\n  oops\n}').location).toMatchObject({ file: 'world.json', line: 3 });
  });

  it('defaults a probe protocol to TCP', () => {
    expect(parseWorld(world({ probes: [{ from: 'x/a', to: 'ext:net', port: 80 }] }), 'w.json').probes[0]?.protocol).toBe('TCP');
  });
});
