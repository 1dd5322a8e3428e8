// Text from flows reaches the comments of generated YAML (namespaces in notes, DNS names beside
// ipBlocks, workload labels in traffic lines). A hostile recording must not be able to end a
// comment line and write manifest content of its own, nor leave control characters in the file.
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { Edge, Namespace, Peer } from '../../../src/model.js';
import { DEFAULT_GENERATE_OPTIONS, generatePolicies } from '../../../src/policy/generate.js';
import { renderManifests } from '../../../src/policy/manifests.js';

const INJECTED = '\nkind: Secret\nmetadata: {name: stolen}\n---\n';
const pod = (namespace: string, labels: Record<string, string>): Peer => ({ kind: 'workload', identity: { namespace, labels } });
const edge = (source: Peer, destination: Peer, port: number, destinationNames: string[] = []): Edge => ({
  source, destination, protocol: 'TCP', port, count: 1, firstSeen: 1_000, lastSeen: 2_000, verdicts: { FORWARDED: 1 }, destinationNames,
});
const NAMESPACES: Namespace[] = [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }];

describe('generated YAML with hostile text from flows', () => {
  it('keeps every such text inside its comment line, control characters escaped', () => {
    const web = pod('x', { app: 'web' });
    const edges = [
      edge(web, { kind: 'cidr', cidr: '203.0.113.7/32' }, 443, [`evil.example${INJECTED}`]),
      edge(pod(`y${INJECTED}\u001b[31m`, { app: 'in' }), web, 80),
    ];
    const set = generatePolicies({ edges, namespaces: NAMESPACES }, DEFAULT_GENERATE_OPTIONS);
    const yaml = renderManifests(set, DEFAULT_GENERATE_OPTIONS, 'yaml');
    const docs = parseAllDocuments(yaml);
    expect(docs.flatMap((d) => d.errors)).toEqual([]);
    expect(docs.map((d) => (d.toJS() as { kind?: string } | null)?.kind)).toEqual(['NetworkPolicy']);
    expect(yaml).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(yaml).toContain('evil.example\\nkind: Secret\\nmetadata: {name: stolen}\\n---\\n');
    expect(yaml).toContain('\\x1b[31m');
    // The annotation lists one address per line: a name cannot add a line of its own.
    const annotation = set.policies.flatMap((p) => p.policy.metadata.annotations?.['flowpol.io/destination-names'] ?? []);
    expect(annotation).toEqual(['203.0.113.7/32 evil.example\\nkind: Secret\\nmetadata: {name: stolen}\\n---\\n']);
  });
});
