import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { formatLocation, InputError, UsageError } from '../../../src/errors.js';
import { documentAt, parsePolicyManifests, readPolicyManifests } from '../../../src/k8s/apply-input.js';
import { unifiedDiff } from '../../../src/k8s/diff.js';

const np = (name: string) => `apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: ${name}\n  namespace: prod\nspec:\n  podSelector: {}\n`;

describe('parsePolicyManifests', () => {
  it('reads multi-document YAML, skipping empty documents, and JSON Lists', () => {
    expect(parsePolicyManifests(`${np('a')}---\n${np('b')}---\n`, 'p.yaml').map((p) => p.metadata.name)).toEqual(['a', 'b']);
    const list = { apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'c', namespace: 'x' }, spec: { podSelector: {} } }] };
    expect(parsePolicyManifests(JSON.stringify(list), 'p.json').map((p) => p.metadata.name)).toEqual(['c']);
  });

  it('rejects any other kind, naming the file, document and line', () => {
    const text = `${np('a')}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n`;
    expect(() => parsePolicyManifests(text, 'p.yaml')).toThrow(InputError);
    expect(() => parsePolicyManifests(text, 'p.yaml')).toThrow('p.yaml:9 (document 2): Deployment is not a networking.k8s.io/v1 NetworkPolicy; flowpol apply only applies NetworkPolicies');
  });

  it('counts documents after a leading separator and rejects other apiVersions and invalid specs', () => {
    expect(documentAt('---\na: 1\n---\nb: 2\n', 4)).toBe('document 2');
    expect(documentAt('# c\n---\na: 1\n', 3)).toBe('document 1');
    expect(() => parsePolicyManifests(np('a').replace('networking.k8s.io/v1', 'extensions/v1beta1'), 'p.yaml')).toThrow(/p\.yaml.*apiVersion/);
    expect(() => parsePolicyManifests(np('a').replace('podSelector: {}', 'podSelector: {}\n  policyTypes: [Sideways]'), 'p.yaml')).toThrow(InputError);
  });

  it('places a validation error at the bad field\'s own line, as `document N: path`', () => {
    const bad = np('b').replace('podSelector: {}\n', 'podSelector: {}\n  ingress:\n    - ports:\n        - port: 70000\n');
    const text = `# header\n${np('a')}---\n${bad}`;
    expect(text.split('\n')[18]).toBe('        - port: 70000');
    expect(() => parsePolicyManifests(text, 'p.yaml'))
      .toThrow('p.yaml:19 (document 2: spec.ingress[0].ports[0].port): policy prod/b: ');
    const list = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [JSON.parse(JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
      metadata: { name: 'c', namespace: 'x' }, spec: { podSelector: {}, policyTypes: ['Sideways'] } }))] }, null, 2);
    const line = list.split('\n').findIndex((l) => l.includes('Sideways')) + 1;
    expect(() => parsePolicyManifests(list, 'p.json')).toThrow(`p.json:${line} (document 1: items[0].spec.policyTypes[0]): policy x/c: `);
  });

  it('requires a namespace and rejects duplicates', () => {
    expect(() => parsePolicyManifests(np('a').replace('  namespace: prod\n', ''), 'p.yaml')).toThrow('(document 1: metadata.namespace): missing namespace');
    expect(() => parsePolicyManifests(`${np('a')}---\n${np('a')}`, 'p.yaml'))
      .toThrow('p.yaml:9 (document 2): NetworkPolicy prod/a appears twice (also at p.yaml:1 (document 1))');
  });
});

describe('readPolicyManifests', () => {
  const dirs: string[] = [];
  afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });
  const tempDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'flowpol-apply-input-'));
    dirs.push(d);
    return d;
  };

  it('reads files, directories (sorted, policy files only) and stdin, in argument order', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'd'));
    writeFileSync(join(dir, 'one.yaml'), np('one'));
    writeFileSync(join(dir, 'd', 'b.yml'), np('b'));
    writeFileSync(join(dir, 'd', 'a.json'), JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'a', namespace: 'prod' }, spec: { podSelector: {} } }));
    writeFileSync(join(dir, 'd', 'README.md'), 'ignored');
    const got = await readPolicyManifests([join(dir, 'one.yaml'), join(dir, 'd'), '-'], Readable.from([np('in')]));
    expect(got.map((p) => p.policy.metadata.name)).toEqual(['one', 'a', 'b', 'in']);
    expect(got.map((p) => formatLocation(p.at))).toEqual([`${join(dir, 'one.yaml')}:1 (document 1)`, `${join(dir, 'd', 'a.json')}:1 (document 1)`,
      `${join(dir, 'd', 'b.yml')}:1 (document 1)`, '-:1 (document 1)']);
  });

  it('rejects a policy in two files naming both, an empty path, and stdin twice', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.yaml'), np('x'));
    writeFileSync(join(dir, 'b.yaml'), `${np('y')}---\n${np('x')}`);
    await expect(readPolicyManifests([join(dir, 'a.yaml'), join(dir, 'b.yaml')]))
      .rejects.toThrow(`${join(dir, 'b.yaml')}:9 (document 2): NetworkPolicy prod/x appears twice (also at ${join(dir, 'a.yaml')}:1 (document 1))`);
    mkdirSync(join(dir, 'empty'));
    await expect(readPolicyManifests([join(dir, 'a.yaml'), join(dir, 'empty')])).rejects.toThrow(`${join(dir, 'empty')}: no NetworkPolicy found`);
    await expect(readPolicyManifests(['-', '-'])).rejects.toThrow(UsageError);
  });

  it('keeps validation warnings with the line of their field', async () => {
    const text = `${np('a')}---
${np('b')}  egress:
  - to:
    - ipBlock:
        cidr: 192.0.2.7/24
`;
    const got = await readPolicyManifests(['-'], Readable.from([text]));
    expect(got.map((p) => p.warnings.length)).toEqual([0, 1]);
    expect(formatLocation(got[1]!.warnings[0]!.location)).toBe('-:19 (document 2: spec.egress[0].to[0].ipBlock.cidr)');
    expect(got[1]!.warnings[0]!.message).toMatch(/^policy prod\/b: "192.0.2.7\/24" has host bits set: flowpol reads it as 192.0.2.0\/24/);
  });
});

describe('unifiedDiff', () => {
  it('is empty for equal texts', () => {
    expect(unifiedDiff('a\nb\n', 'a\nb\n', { before: 'x', after: 'y' })).toBe('');
  });
  it('prints hunks with context like diff -u', () => {
    const before = ['1', '2', '3', '4', '5', '6', '7', '8', '9'].join('\n');
    const after = ['1', '2', '3', '4', 'five', '6', '7', '8', '9', '10'].join('\n');
    expect(unifiedDiff(before, after, { before: 'live', after: 'applied' }, 1)).toBe(
      ['--- live', '+++ applied', '@@ -4,3 +4,3 @@', ' 4', '-5', '+five', ' 6', '@@ -9,1 +9,2 @@', ' 9', '+10', ''].join('\n'));
  });
  it('shows a new object as all additions', () => {
    expect(unifiedDiff('', 'a\nb\n', { before: 'none', after: 'new' })).toBe('--- none\n+++ new\n@@ -0,0 +1,2 @@\n+a\n+b\n');
  });
});
