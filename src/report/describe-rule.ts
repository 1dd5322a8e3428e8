// Short human descriptions of what a NetworkPolicy rule admits, for the report's "closest rule":
// its ports (`TCP/5432, UDP/53`) when the peer matched and the port did not, its peers
// (`pods app=api in namespaces purpose=monitoring`) when the port matched and the peer did not.
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, NearMiss } from '../model.js';

/** `app=web, tier in (fe,be), !canary`; `all` for an empty selector. */
function describeSelector(s: LabelSelector): string {
  const parts = Object.keys(s.matchLabels ?? {}).sort().map((k) => `${k}=${s.matchLabels?.[k] ?? ''}`);
  for (const e of s.matchExpressions ?? []) {
    const values = `(${[...(e.values ?? [])].sort().join(',')})`;
    switch (e.operator) {
      case 'In': parts.push(`${e.key} in ${values}`); break;
      case 'NotIn': parts.push(`${e.key} notin ${values}`); break;
      case 'Exists': parts.push(e.key); break;
      case 'DoesNotExist': parts.push(`!${e.key}`); break;
    }
  }
  return parts.length === 0 ? 'all' : parts.join(', ');
}

function describePeer(p: NetworkPolicyPeer): string {
  if (p.ipBlock !== undefined) {
    const except = p.ipBlock.except ?? [];
    return `ipBlock ${p.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(',')}` : ''}`;
  }
  const pods = p.podSelector === undefined ? undefined : `pods ${describeSelector(p.podSelector)}`;
  if (p.namespaceSelector === undefined) return `${pods ?? 'pods all'} (same namespace)`;
  const namespaces = `namespaces ${describeSelector(p.namespaceSelector)}`;
  return pods === undefined ? `every pod in ${namespaces}` : `${pods} in ${namespaces}`;
}

function describePort(p: NetworkPolicyPort): string {
  const protocol = p.protocol ?? 'TCP';
  if (p.port === undefined) return `${protocol}/all`;
  return `${protocol}/${p.port}${p.endPort === undefined ? '' : `-${p.endPort}`}`;
}

/** What the rule a near miss names admits: its ports for a port miss, its peers for a peer miss. */
export function describeNearMiss(miss: NearMiss, policy: NetworkPolicy | undefined): string {
  const rule = policy === undefined ? undefined : miss.direction === 'ingress' ? policy.spec.ingress?.[miss.rule] : policy.spec.egress?.[miss.rule];
  if (rule === undefined) return '?';
  if (miss.mismatch === 'port') {
    const ports = rule.ports ?? [];
    return ports.length === 0 ? 'all ports' : ports.map(describePort).join(', ');
  }
  const peers = 'from' in rule ? rule.from : 'to' in rule ? rule.to : undefined;
  return peers === undefined || peers.length === 0 ? 'every peer' : peers.map(describePeer).join('; ');
}

/** Whether the rule a near miss names selects peers by namespace labels. */
export function selectsNamespaces(miss: NearMiss, policy: NetworkPolicy | undefined): boolean {
  const rule = policy === undefined ? undefined : miss.direction === 'ingress' ? policy.spec.ingress?.[miss.rule]?.from : policy.spec.egress?.[miss.rule]?.to;
  return (rule ?? []).some((p) => p.namespaceSelector !== undefined);
}

/** Whether any rule of the policy in that direction names a port by name (resolved against container ports). */
export function usesNamedPorts(policy: NetworkPolicy, direction: 'ingress' | 'egress'): boolean {
  const rules = direction === 'ingress' ? policy.spec.ingress : policy.spec.egress;
  return (rules ?? []).some((r) => (r.ports ?? []).some((p) => typeof p.port === 'string'));
}
