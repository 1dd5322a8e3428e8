// Cilium label strings (`source:key=value`) and the one table of labels that are not part of a
// workload's stable identity.
import { UsageError } from '../errors.js';

export interface ParsedLabel { source: string; key: string; value: string | undefined }

/**
 * A label key to drop: an exact key, or a prefix ending in '*'; with the reason it is dropped.
 * `keep: true` marks an exception placed before the drop rules (the first matching rule decides);
 * `fixed: true` a key that is no pod label at all, which no exception keeps.
 */
export interface LabelRule { pattern: string; reason: string; keep?: true; fixed?: true }

/**
 * Split `k8s:app=web` on the first ':' (source) and the first '=' (key/value). Keys may hold '/'
 * and '.'; the value may be empty (`k8s:foo=`); reserved labels have no '=' (value undefined).
 * A string without ':' has the source `unspec` (Cilium's default source).
 */
export function parseLabel(raw: string): ParsedLabel {
  const colon = raw.indexOf(':');
  const source = colon === -1 ? 'unspec' : raw.slice(0, colon);
  const rest = colon === -1 ? raw : raw.slice(colon + 1);
  const eq = rest.indexOf('=');
  return eq === -1 ? { source, key: rest, value: undefined } : { source, key: rest.slice(0, eq), value: rest.slice(eq + 1) };
}

/**
 * The key of a `cidr:` label as address and prefix length (`10.0.0.0/8`; IPv6 as Cilium writes
 * it, `-` for `:`: `2001-db8--/32`). Text only: the address is not checked. undefined without a
 * `/` after a non-empty address.
 */
export function cidrLabelKey(key: string): { address: string; bits: number } | undefined {
  const slash = key.indexOf('/');
  return slash > 0 ? { address: key.slice(0, slash).replaceAll('-', ':'), bits: Number(key.slice(slash + 1)) } : undefined;
}

/** Prefix of the `k8s:` labels that carry the pod's namespace's own labels. */
export const NAMESPACE_LABEL_PREFIX = 'io.cilium.k8s.namespace.labels.';
/** The `k8s:` label that names the pod's namespace. */
export const POD_NAMESPACE_LABEL = 'io.kubernetes.pod.namespace';

/**
 * `k8s:` label keys that are not part of a workload identity. Volatile ones change per
 * pod, revision or run; the Cilium-derived ones are not pod labels a podSelector can match.
 * `--drop-labels/--keep-labels` adjust this list (see withLabelOverrides).
 */
export const VOLATILE_LABEL_RULES: readonly LabelRule[] = [
  { pattern: POD_NAMESPACE_LABEL, reason: 'it is the namespace, kept as the identity namespace', fixed: true },
  { pattern: 'io.cilium.k8s.policy.*', reason: 'Cilium-derived (service account, cluster), not a pod label', fixed: true },
  { pattern: `${NAMESPACE_LABEL_PREFIX}*`, reason: "the namespace's labels, kept as namespace labels for namespaceSelectors", fixed: true },
  { pattern: 'pod-template-hash', reason: 'changes with every Deployment rollout' },
  { pattern: 'controller-revision-hash', reason: 'changes with every StatefulSet/DaemonSet revision' },
  { pattern: 'pod-template-generation', reason: 'changes with every DaemonSet revision' },
  { pattern: 'statefulset.kubernetes.io/pod-name', reason: 'unique per StatefulSet pod' },
  { pattern: 'apps.kubernetes.io/pod-index', reason: 'unique per StatefulSet pod' },
  { pattern: 'controller-uid', reason: 'unique per Job run' },
  { pattern: 'batch.kubernetes.io/controller-uid', reason: 'unique per Job run' },
  { pattern: 'job-name', reason: 'unique per Job run (CronJob runs fold into one workload)' },
  { pattern: 'batch.kubernetes.io/job-name', reason: 'unique per Job run (CronJob runs fold into one workload)' },
  { pattern: 'topology.kubernetes.io/*', reason: 'where the pod runs, not what it is' },
];

/** The first rule whose pattern matches `key`, if any. */
export function matchRule(key: string, rules: readonly LabelRule[]): LabelRule | undefined {
  for (const rule of rules) if (patternMatches(rule.pattern, key)) return rule;
  return undefined;
}

/** The rule that drops `key` from identities (its first matching rule, unless a keep exception), if any. */
export function dropRuleFor(key: string, rules: readonly LabelRule[]): LabelRule | undefined {
  const rule = matchRule(key, rules);
  return rule === undefined || rule.keep === true ? undefined : rule;
}

/** A pod's labels less those the rules drop from identities, keys sorted: what its identity keeps. */
export function stableLabels(labels: Readonly<Record<string, string>>, rules: readonly LabelRule[] = VOLATILE_LABEL_RULES): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) if (dropRuleFor(key, rules) === undefined) out[key] = labels[key] ?? '';
  return out;
}

/** Every `subset` label is in `labels` with the same value (a matchLabels test). */
export function containsLabels(labels: Readonly<Record<string, string>>, subset: Readonly<Record<string, string>>): boolean {
  for (const k in subset) if (labels[k] !== subset[k]) return false;
  return true;
}

/** A rule pattern matches a key exactly, or as a prefix when it ends in '*'. */
function patternMatches(pattern: string, key: string): boolean {
  return pattern.endsWith('*') ? key.startsWith(pattern.slice(0, -1)) : key === pattern;
}

/**
 * `rules` adjusted by the user (`--drop-labels a,b*`, `--keep-labels c`): each keep pattern
 * becomes a keep exception in front of the rules that are not `fixed` (so `--keep-labels
 * topology.kubernetes.io/zone` keeps that key although `topology.kubernetes.io/*` is dropped, and
 * `--keep-labels '*'` keeps every pod label but not the namespace or Cilium's own keys: a policy
 * selecting those would select no pod), each drop pattern a rule at the end. UsageError for a keep
 * pattern that only a fixed rule's keys match.
 */
export function withLabelOverrides(
  rules: readonly LabelRule[], overrides: { drop?: readonly string[]; keep?: readonly string[] },
): LabelRule[] {
  const fixed = rules.filter((r) => r.fixed === true);
  const keep: LabelRule[] = (overrides.keep ?? []).map((pattern) => {
    const within = fixed.find((r) => patternMatches(r.pattern, pattern.endsWith('*') ? pattern.slice(0, -1) : pattern));
    if (within !== undefined) throw new UsageError(`--keep-labels ${pattern}: not a pod label (${within.pattern}: ${within.reason}), so no identity can keep it`);
    return { pattern, reason: 'kept by --keep-labels', keep: true };
  });
  const drop: LabelRule[] = (overrides.drop ?? []).map((pattern) => ({ pattern, reason: 'dropped by --drop-labels' }));
  return [...fixed, ...keep, ...rules.filter((r) => r.fixed !== true), ...drop];
}
