// A report whose data tries to inject markup and script: label values, a DNS name and a policy
// annotation (shown in the YAML panel) carrying HTML, closing tags and quotes.
import type { Edge, NetworkPolicy, Peer } from '../../../src/model.js';
import { buildBreakageReport, type BreakageResult } from '../../../src/report/breakage.js';

export const HOSTILE_LABEL = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">';
export const HOSTILE_NAME = '"><svg onload="window.__pwned=3">.evil.example';
export const HOSTILE_ANNOTATION = '</pre></script><script>window.__pwned=4</script>&amp;';

export function hostileReport(): BreakageResult {
  const web: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'web', note: HOSTILE_LABEL } } };
  const api: Peer = { kind: 'workload', identity: { namespace: 'shop', labels: { app: 'api' } } };
  const edge = (source: Peer, destination: Peer, port: number, names: string[] = []): Edge => ({
    source, destination, protocol: 'TCP', port, count: 3, firstSeen: Date.UTC(2024, 0, 1), lastSeen: Date.UTC(2024, 0, 2),
    verdicts: { FORWARDED: 3 }, destinationNames: names,
  });
  const policy: NetworkPolicy = {
    apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy',
    metadata: { name: 'web', namespace: 'shop', annotations: { note: HOSTILE_ANNOTATION } },
    spec: { podSelector: { matchLabels: { app: 'web' } }, policyTypes: ['Egress'], egress: [{ ports: [{ port: 8080 }] }] },
  };
  return buildBreakageReport(
    {
      edges: [edge(web, api, 8080), edge(web, { kind: 'cidr', cidr: '198.51.100.7/32' }, 443, [HOSTILE_NAME])],
      namespaces: [{ name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } }],
      existing: [], proposed: [policy], observation: { lostEvents: 0 },
    },
    { defaultDeny: { kind: 'none' }, direction: 'both' },
  );
}
