// Selectors for known workloads and namespaces, as narrow as what was observed allows.
//
// Pods: an identity is selected by its stable labels (matchLabels). Where another identity of
// the same namespace carries all those labels and more (app=web vs app=web,track=canary), the
// extra keys are excluded with `DoesNotExist` (keys the identity's own pods carry in a cluster
// inventory: `NotIn` the other's value), so the selector matches exactly one known identity. An identity with no labels cannot be selected without selecting its whole namespace,
// nor one carrying a label Kubernetes refuses in a selector, nor one in a namespace whose name
// Kubernetes refuses (only recordings can hold such names and labels: the API server never lets
// a pod have them); each gets a note instead of a selector.
// With a cluster inventory, an identity's workload owner's selector replaces this where it is safe
// (see inventory-workloads.ts).
//
// Namespaces (for peers in another namespace than the policy): see `NamespaceSelection` in
// model.ts for the four cases; with a cluster inventory its namespaces' labels are used. A namespace whose labels were never seen in flows (or seen
// empty) is assumed to carry `kubernetes.io/metadata.name`, which the API server sets on every
// namespace since Kubernetes 1.21; the output says so for each such namespace.
import type { EdgeNoteCode, Identity, LabelSelector, LabelSelectorRequirement, Namespace, NamespaceSelection } from '../model.js';
import { NAMESPACE_NAME_LABEL } from './evaluate.js';
import { labelKeyProblem, labelValueProblem, namespaceNameProblem } from './selectors.js';
import { compareText, sortedRecord } from '../order.js';

export { NAMESPACE_NAME_LABEL };

const pairKey = (key: string, value: string): string => `${key}\u0000${value}`;

/** Why no selector can name an identity: `detail` says which label (and why) or namespace Kubernetes refuses. */
export interface Unselectable {
  code: Extract<EdgeNoteCode, 'not-expressible-unlabelled' | 'not-expressible-labels' | 'not-expressible-namespace-name'>;
  detail?: string;
}

/** The first label (in key order) Kubernetes refuses in a selector, with the reason; undefined when all are valid. */
export function labelsProblem(labels: Readonly<Record<string, string>>): string | undefined {
  for (const key of Object.keys(labels).sort(compareText)) {
    const value = labels[key] ?? '';
    const problem = labelKeyProblem(key) ?? labelValueProblem(value);
    if (problem !== undefined) return `label ${key}=${value}: ${problem}`;
  }
  return undefined;
}

/** What of an identity Kubernetes refuses (its namespace name, a label), in a selector or a world; undefined when nothing. */
export function refusedByKubernetes(identity: Identity): Unselectable | undefined {
  if (namespaceNameProblem(identity.namespace) !== undefined) return { code: 'not-expressible-namespace-name', detail: `namespace ${identity.namespace}` };
  const detail = labelsProblem(identity.labels);
  return detail === undefined ? undefined : { code: 'not-expressible-labels', detail };
}

/** Why no podSelector can name an identity alone (refusedByKubernetes, or it has no stable labels); undefined when one can. */
export function unselectable(identity: Identity): Unselectable | undefined {
  const refused = refusedByKubernetes(identity);
  if (refused !== undefined) return refused;
  for (const _ in identity.labels) return undefined;
  return { code: 'not-expressible-unlabelled' };
}

/** What a cluster inventory tells about identities: their workload owner's selector, the labels of their pods. */
export interface OwnerSelectors {
  ownerSelector(identity: Identity): LabelSelector | undefined;
  /** The labels of the inventory pods matched to `identity` (none when it has no pods). */
  podLabels(identity: Identity): readonly Readonly<Record<string, string>>[];
}

/** Pod selectors for the identities of each namespace. */
export class PodSelectors {
  /** namespace → label pair → identities carrying it */
  private readonly index = new Map<string, Map<string, Identity[]>>();
  private readonly problems = new WeakMap<Identity, Unselectable | null>();

  /** `owners`: where the inventory gives an owner's selector for an identity, it wins (exact selectors only). */
  constructor(identities: readonly Identity[], private readonly owners?: OwnerSelectors) {
    for (const identity of identities) {
      let byPair = this.index.get(identity.namespace);
      if (byPair === undefined) this.index.set(identity.namespace, (byPair = new Map()));
      for (const [key, value] of Object.entries(identity.labels)) {
        const pair = pairKey(key, value);
        const list = byPair.get(pair);
        if (list === undefined) byPair.set(pair, [identity]);
        else list.push(identity);
      }
    }
  }

  /** Why no selector can name `identity` (no labels, or one Kubernetes refuses); undefined when one can. */
  unselectable(identity: Identity): Unselectable | undefined {
    let found = this.problems.get(identity);
    if (found === undefined) this.problems.set(identity, (found = unselectable(identity) ?? null));
    return found ?? undefined;
  }

  /**
   * The selector matching `identity` and no other known identity of its namespace; `exact:false`
   * gives plain matchLabels (for `--always-dns`, meant to match every DNS pod). undefined when the
   * identity is `unselectable`.
   */
  selector(identity: Identity, exact = true): LabelSelector | undefined {
    if (this.unselectable(identity) !== undefined) return undefined;
    const keys = Object.keys(identity.labels);
    const matchLabels = sortedRecord(identity.labels);
    if (!exact) return { matchLabels };
    const owned = this.owners?.ownerSelector(identity);
    if (owned !== undefined) return owned;
    const supersets = this.candidates(identity).filter((other) =>
      Object.keys(other.labels).length > keys.length && keys.every((k) => other.labels[k] === identity.labels[k]));
    if (supersets.length === 0) return { matchLabels };
    const pods = this.owners?.podLabels(identity) ?? [];
    const extraKeys = (other: Identity): string[] => Object.keys(other.labels).filter((k) => !(k in identity.labels)).sort(compareText);
    // Keys no pod of the identity carries are excluded outright (DoesNotExist), as without a cluster.
    const absent = new Set(supersets.flatMap(extraKeys).filter((k) => !pods.some((p) => k in p)));
    // A superset whose every extra key the identity's own pods carry (app=web,version=v2 in the
    // cluster, app=web and app=web,version=v1 in the recording) is excluded by a value instead:
    // NotIn its value, on a key where no pod of the identity has that value. When there is none,
    // it stays selected: a selector that missed the identity's own pods would cut their traffic.
    const notIn = new Map<string, Set<string>>();
    for (const other of supersets) {
      const own = extraKeys(other);
      if (own.some((k) => absent.has(k))) continue;
      const key = own.find((k) => !pods.some((p) => p[k] === other.labels[k]));
      if (key === undefined) continue;
      const values = notIn.get(key);
      if (values === undefined) notIn.set(key, new Set([other.labels[key] ?? '']));
      else values.add(other.labels[key] ?? '');
    }
    const matchExpressions: LabelSelectorRequirement[] = [
      ...[...absent].map((key): LabelSelectorRequirement => ({ key, operator: 'DoesNotExist' })),
      ...[...notIn].map(([key, values]): LabelSelectorRequirement => ({ key, operator: 'NotIn', values: [...values].sort(compareText) })),
    ].sort((a, b) => compareText(a.key, b.key));
    return matchExpressions.length === 0 ? { matchLabels } : { matchLabels, matchExpressions };
  }

  /** Identities sharing the identity's rarest label pair (every superset carries that pair). */
  private candidates(identity: Identity): readonly Identity[] {
    const byPair = this.index.get(identity.namespace);
    let best: readonly Identity[] = [];
    let bestSize = Infinity;
    for (const [key, value] of Object.entries(identity.labels)) {
      const list = byPair?.get(pairKey(key, value)) ?? [];
      if (list.length < bestSize) {
        best = list;
        bestSize = list.length;
      }
    }
    return best;
  }
}

/**
 * The namespaces flows showed and those of a cluster inventory, sorted by name. The cluster is the
 * authority: its labels replace what flows showed, even when it lists none.
 */
export function mergeNamespaces(fromFlows: readonly Namespace[], cluster: readonly Namespace[]): Namespace[] {
  const byName = new Map(fromFlows.map((n) => [n.name, n]));
  for (const n of cluster) byName.set(n.name, { name: n.name, labels: { ...n.labels } });
  return [...byName.values()].sort((a, b) => compareText(a.name, b.name));
}

/** How to select each namespace from a policy in another namespace. */
export class NamespaceSelectors {
  private readonly known = new Map<string, Record<string, string>>();
  private readonly decided = new Map<string, NamespaceSelection>();
  private readonly fromCluster = new Set<string>();

  /** `cluster`: the namespaces of a cluster inventory; their labels replace what flows showed. */
  constructor(namespaces: readonly Namespace[], cluster: readonly Namespace[] = []) {
    for (const ns of mergeNamespaces(namespaces, cluster)) {
      if (Object.keys(ns.labels).length > 0) this.known.set(ns.name, ns.labels);
    }
    for (const ns of cluster) this.fromCluster.add(ns.name);
  }

  selection(namespace: string): NamespaceSelection {
    let found = this.decided.get(namespace);
    if (found === undefined) {
      found = this.decide(namespace);
      if (this.fromCluster.has(namespace)) found.labelsFrom = 'cluster';
      this.decided.set(namespace, found);
    }
    return found;
  }

  /** Every namespace selected so far, sorted by name. */
  used(): NamespaceSelection[] {
    return [...this.decided.values()].sort((a, b) => (a.namespace < b.namespace ? -1 : 1));
  }

  private decide(namespace: string): NamespaceSelection {
    const byName: LabelSelector = { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
    const labels = this.known.get(namespace);
    // The cluster says it has no labels at all: nothing can select it.
    if (labels === undefined && this.fromCluster.has(namespace)) return { namespace, basis: 'unselectable' };
    if (labels === undefined) return { namespace, basis: 'name-label-assumed', selector: byName };
    // Seen at all, the name label is the namespace's name: the API server sets it on every write
    // (a recording that says otherwise was edited; the engine reads it the same way).
    if (labels[NAMESPACE_NAME_LABEL] !== undefined) return { namespace, basis: 'name-label', selector: byName };
    if (labelsProblem(labels) !== undefined) return { namespace, basis: 'unselectable' };
    const entries = Object.entries(labels);
    const shared = [...this.known].some(
      ([other, otherLabels]) => other !== namespace && entries.every(([k, v]) => otherLabels[k] === v),
    );
    if (shared) return { namespace, basis: 'unselectable' };
    return { namespace, basis: 'observed-labels', selector: { matchLabels: sortedRecord(labels) } };
  }
}
