// Maps client-node API objects to flowpol's shapes (types only; no client-node values here).
// Everything is copied field by field, so no client-node class or Date leaks into the model.
import type {
  V1Container, V1LabelSelector, V1NetworkPolicy, V1ObjectMeta, V1OwnerReference, V1Pod, V1PodTemplateSpec,
} from '@kubernetes/client-node';
import type {
  ContainerPort, LabelSelector, NetworkPolicy, NetworkPolicyIngressRule, NetworkPolicyPeer, ObjectRef, PolicyProtocol, SelectorOperator, WorkloadKind,
} from '../model.js';
import { POLICY_PROTOCOLS } from '../model.js';
import type { ClusterPod, ClusterWorkload } from './cluster.js';

function labelsOf(meta: V1ObjectMeta | undefined): Record<string, string> {
  return { ...(meta?.labels ?? {}) };
}

function protocolOf(p: string | undefined): PolicyProtocol | undefined {
  const proto = p ?? 'TCP';
  return (POLICY_PROTOCOLS as readonly string[]).includes(proto) ? (proto as PolicyProtocol) : undefined;
}

/** The controller owner reference (the one with `controller: true`). */
function controllerOf(refs: V1OwnerReference[] | undefined): ObjectRef | undefined {
  const ref = refs?.find((r) => r.controller === true);
  return ref === undefined ? undefined : { kind: ref.kind, name: ref.name };
}

function portsOf(containers: V1Container[]): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of containers) {
    for (const p of c.ports ?? []) {
      const protocol = protocolOf(p.protocol);
      if (protocol === undefined) continue;
      out.push(p.name === undefined ? { port: p.containerPort, protocol } : { name: p.name, port: p.containerPort, protocol });
    }
  }
  return out;
}

export function podFromApi(pod: V1Pod): ClusterPod {
  const spec = pod.spec;
  // Restartable init containers (native sidecars) run for the pod's life; their ports count.
  const sidecars = (spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip);
  if (ips.length === 0 && pod.status?.podIP) ips.push(pod.status.podIP);
  const out: ClusterPod = {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    labels: labelsOf(pod.metadata),
    ips,
    ports: portsOf([...(spec?.containers ?? []), ...sidecars]),
    hostNetwork: spec?.hostNetwork === true,
  };
  const controller = controllerOf(pod.metadata?.ownerReferences);
  if (controller !== undefined) out.controller = controller;
  if (spec?.nodeName) out.nodeName = spec.nodeName;
  if (pod.status?.phase) out.phase = pod.status.phase;
  return out;
}

function selectorFromApi(sel: V1LabelSelector | undefined): LabelSelector | undefined {
  if (sel === undefined) return undefined;
  const out: LabelSelector = {};
  if (sel.matchLabels !== undefined) out.matchLabels = { ...sel.matchLabels };
  if (sel.matchExpressions !== undefined) {
    out.matchExpressions = sel.matchExpressions.map((e) => (e.values === undefined
      ? { key: e.key, operator: e.operator as SelectorOperator }
      : { key: e.key, operator: e.operator as SelectorOperator, values: [...e.values] }));
  }
  return out;
}

/** The parts of a workload object flowpol reads; the same for every kind. */
export interface WorkloadParts {
  metadata?: V1ObjectMeta;
  selector?: V1LabelSelector;
  template?: V1PodTemplateSpec;
  manualSelector?: boolean;
}

export function workloadFromApi(kind: WorkloadKind, w: WorkloadParts): ClusterWorkload {
  const out: ClusterWorkload = {
    namespace: w.metadata?.namespace ?? '',
    kind,
    name: w.metadata?.name ?? '',
    templateLabels: labelsOf(w.template?.metadata),
  };
  const selector = selectorFromApi(w.selector);
  if (selector !== undefined) out.selector = selector;
  if (w.manualSelector !== undefined) out.manualSelector = w.manualSelector;
  const controller = controllerOf(w.metadata?.ownerReferences);
  if (controller !== undefined) out.controller = controller;
  return out;
}

/** A NetworkPolicy as flowpol's plain object: name, namespace, labels, annotations, spec. */
export function policyFromApi(np: V1NetworkPolicy): NetworkPolicy {
  const meta: NetworkPolicy['metadata'] = { name: np.metadata?.name ?? '' };
  if (np.metadata?.namespace !== undefined) meta.namespace = np.metadata.namespace;
  if (np.metadata?.labels !== undefined) meta.labels = { ...np.metadata.labels };
  if (np.metadata?.annotations !== undefined) {
    // kubectl's last-applied copy is noise in a diff and can be large; leave it out.
    const { 'kubectl.kubernetes.io/last-applied-configuration': _lastApplied, ...rest } = np.metadata.annotations;
    if (Object.keys(rest).length > 0) meta.annotations = rest;
  }
  // The deserialized spec carries undefined-valued properties; a JSON round trip drops them.
  // client-node renames the ingress rule's `from` (a reserved word) to `_from`: name it back.
  type Deserialized = Omit<NetworkPolicy['spec'], 'ingress'> & { ingress?: ({ _from?: NetworkPolicyPeer[] } & NetworkPolicyIngressRule)[] };
  const raw = JSON.parse(JSON.stringify(np.spec ?? { podSelector: {} })) as Deserialized;
  const { ingress, ...rest } = raw;
  const spec: NetworkPolicy['spec'] = ingress === undefined
    ? rest
    : { ...rest, ingress: ingress.map(({ _from, ...rule }) => (_from === undefined ? rule : { from: _from, ...rule })) };
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta, spec };
}
