// Workload identities: a pod's namespace plus its stable `k8s:` labels.
import type { Endpoint, Identity, Namespace } from '../model.js';
import { type LabelRule, NAMESPACE_LABEL_PREFIX, POD_NAMESPACE_LABEL, VOLATILE_LABEL_RULES, dropRuleFor, parseLabel } from './labels.js';
import { compareText } from '../order.js';

export interface IdentityOptions {
  /** Label keys left out of identities (default VOLATILE_LABEL_RULES; see withLabelOverrides). */
  dropRules: readonly LabelRule[];
}

/** Identity options with the default volatile-label rules. */
export const DEFAULT_IDENTITY_OPTIONS: IdentityOptions = { dropRules: VOLATILE_LABEL_RULES };

/** A label left out of an identity: `key` (k8s keys bare, other sources as `source:key`) and why. */
export interface DroppedLabel { key: string; reason: string }

/** Canonical, sortable key: `ns/app=web,tier=fe` (labels sorted by key; `ns/` when none). */
export function identityKey(id: Identity): string {
  const keys = Object.keys(id.labels).sort();
  let out = `${id.namespace}/`;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    out += `${i === 0 ? '' : ','}${k}=${id.labels[k]}`;
  }
  return out;
}

/** The endpoint's namespace: its `namespace` field, else its io.kubernetes.pod.namespace label. */
export function endpointNamespace(ep: Endpoint): string | undefined {
  if (ep.namespace !== undefined) return ep.namespace;
  for (const raw of ep.labels) {
    if (raw.startsWith(`k8s:${POD_NAMESPACE_LABEL}=`)) return raw.slice(POD_NAMESPACE_LABEL.length + 5) || undefined;
  }
  return undefined;
}

/**
 * Stable identity of a pod endpoint, plus what was dropped and why. undefined for non-pods
 * (an endpoint is a pod when its namespace is known; a pod without `k8s:` labels gets an empty
 * label set). Only `k8s:` labels count; other sources (reserved, container, gen, cidr, fqdn,
 * unspec…) are listed as dropped. Labels are returned sorted by key.
 */
export function workloadIdentity(
  ep: Endpoint, opts: IdentityOptions,
): { identity: Identity; dropped: DroppedLabel[] } | undefined {
  const namespace = endpointNamespace(ep);
  if (namespace === undefined) return undefined;
  const kept: [string, string][] = [];
  const dropped: DroppedLabel[] = [];
  for (const raw of ep.labels) {
    const label = parseLabel(raw);
    if (label.source !== 'k8s') {
      dropped.push({ key: `${label.source}:${label.key}`, reason: `"${label.source}:" labels are not Kubernetes pod labels` });
      continue;
    }
    const rule = dropRuleFor(label.key, opts.dropRules);
    if (rule !== undefined) dropped.push({ key: label.key, reason: rule.reason });
    else kept.push([label.key, label.value ?? '']);
  }
  kept.sort((a, b) => compareText(a[0], b[0]));
  return { identity: { namespace, labels: Object.fromEntries(kept) }, dropped };
}

/** Namespace labels carried by an endpoint (`k8s:io.cilium.k8s.namespace.labels.*`), sorted. */
export function namespaceOf(ep: Endpoint): Namespace | undefined {
  const name = endpointNamespace(ep);
  if (name === undefined) return undefined;
  const prefix = `k8s:${NAMESPACE_LABEL_PREFIX}`;
  const labels: [string, string][] = [];
  for (const raw of ep.labels) {
    if (!raw.startsWith(prefix)) continue;
    const { key, value } = parseLabel(raw);
    labels.push([key.slice(NAMESPACE_LABEL_PREFIX.length), value ?? '']);
  }
  labels.sort((a, b) => compareText(a[0], b[0]));
  return { name, labels: Object.fromEntries(labels) };
}
