// The report's sentences, shared by every renderer so text, Markdown and JSON say the same thing:
// one line of "why" per edge, the coverage warnings, and flowpol's ipBlock choice.
import type {
  BreakageReport, CoverageWarning, EdgeStatus, Identity, Namespace, Peer, PolicyDirection, PolicyProvenance, ReportEdge, SideVerdict, StatusTotals, Verdict,
  WorkloadReport, WorldGap,
} from '../model.js';
import { identityKey } from '../identity/identity.js';
import { EDGE_NOTE_TEXT, describePeer, describePort } from '../policy/edge-notes.js';
import { namespaceLabels } from '../policy/evaluate.js';

/** flowpol's reading where the API leaves it to the CNI; in `--help` and every report's footer. */
export const IPBLOCK_CHOICE =
  'flowpol reads an ipBlock as matching only endpoints outside the cluster (as Cilium does): pods and nodes are never matched by an ipBlock.';

export const STATUS_LABEL: Readonly<Record<EdgeStatus, string>> = {
  breaks: 'would break',
  dropped: 'already dropped today',
  'not-governed': 'not governed by NetworkPolicy',
  allowed: 'keeps working',
};

const SIDE_NAME: Readonly<Record<PolicyDirection, string>> = { egress: 'egress at the source', ingress: 'ingress at the destination' };

/** `2024-05-01T12:00:00Z` (milliseconds dropped). */
export function isoTime(ms: number): string {
  // toISOString always ends in `.sssZ`; outside Date's range (and NaN) it throws.
  if (!(Math.abs(ms) <= MAX_DATE_MS)) return `${new Date(ms).toISOString().slice(0, -5)}Z`;
  // Date keeps whole milliseconds (truncated); the text drops them, so it is the same for the whole second.
  const second = Math.floor(Math.trunc(ms) / 1000);
  let text = isoBySecond.get(second);
  if (text === undefined) {
    text = `${new Date(second * 1000).toISOString().slice(0, -5)}Z`;
    if (isoBySecond.size >= ISO_MEMO_LIMIT) isoBySecond.clear();
    isoBySecond.set(second, text);
  }
  return text;
}

/** isoTime by epoch second: a report's times repeat the same seconds many times. */
const isoBySecond = new Map<number, string>();
const ISO_MEMO_LIMIT = 1 << 16;
const MAX_DATE_MS = 8.64e15;

/** `3d 4h`, `2h 5m`, `40s`. */
export function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const parts: [number, string][] = [[Math.floor(s / 86_400), 'd'], [Math.floor(s / 3600) % 24, 'h'], [Math.floor(s / 60) % 60, 'm'], [s % 60, 's']];
  const first = parts.findIndex(([n]) => n > 0);
  if (first < 0) return '0s';
  return parts.slice(first, first + 2).filter(([n]) => n > 0).map(([n, u]) => `${n}${u}`).join(' ');
}

/** `prod/app=web -> kube-system/k8s-app=kube-dns UDP/53`. */
export function edgeTitle(e: ReportEdge): string {
  return `${peerText(e.edge.source)} -> ${peerText(e.edge.destination)} ${describePort(e.edge.protocol, e.edge.port)}`;
}

/** describePeer, once per Peer object (the store shares one per peer). */
const peerTexts = new WeakMap<Peer, string>();
function peerText(peer: Peer): string {
  let text = peerTexts.get(peer);
  if (text === undefined) peerTexts.set(peer, (text = describePeer(peer)));
  return text;
}

export function coverageMessage(w: CoverageWarning): string {
  switch (w.kind) {
    case 'no-traffic':
      return 'no traffic was observed in the selected window: this report cannot show what would break';
    case 'short-window':
      return `the observation window is ${duration(w.last - w.first)} (${isoTime(w.first)} .. ${isoTime(w.last)}), shorter than a day: traffic that happens daily or less often (backups, cron jobs, batch) may be missing and would break unreported`;
    case 'lost-events':
      return `Hubble reported ${w.lost} lost events: some traffic was not observed and may break unreported`;
  }
}

function gapText(g: WorldGap): string {
  switch (g.kind) {
    case 'namespace-labels-unknown':
      return `labels of namespace ${g.namespaces.join(', ')} were never seen in flows (only kubernetes.io/metadata.name was assumed), so a namespaceSelector on other labels did not match`;
    case 'named-ports-unresolved':
      return `${g.policies.join(', ')} name container ports, which flows do not carry, so those named ports matched nothing`;
    case 'address-is-prefix':
      return `the external is known only as ${g.cidr}; evaluated at ${g.evaluatedAt}`;
    case 'peer-unaddressed':
      return `${g.peer} is no pod and has no address flowpol knows, and no rule of the isolating policies admits every peer, nor names an ipBlock, on this port: denied whatever its address, on any CNI${g.code === 'not-governed-kube-apiserver' ? ' (unless the pod runs on a node that serves the kube-apiserver: its own node is always allowed)' : ''}`;
    case 'peer-unselectable':
      return `${g.peer}: ${EDGE_NOTE_TEXT[g.code]}; flowpol generate writes no rule or policy naming it`;
    case 'pods-differ': {
      const ends = [g.source === undefined ? '' : `source pods ${podList(g.source)}`, g.destination === undefined ? '' : `destination pods ${podList(g.destination)}`];
      return `the workload's pods differ in labels or container ports the policies select on: this verdict is for the ${ends.filter((e) => e !== '').join(' and ')} (${g.allowed} of the ${g.pairs} pairings of the ends' pods would keep working)`;
    }
  }
}

/** Pod names, the first three and how many more. */
function podList(pods: readonly string[]): string {
  return pods.length > 3 ? `${pods.slice(0, 3).join(', ')} and ${pods.length - 3} more` : pods.join(', ');
}

/** The peer namespace's labels as the selectors saw them (the name label included). */
function namespaceText(ns: Namespace | undefined): string {
  if (ns === undefined) return '';
  const labels = namespaceLabels(ns.name, ns.labels);
  return ` (namespace ${ns.name} carries ${Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ''}`).join(', ')})`;
}

/** `ns/policy egress[0], …` for the rules allowing a side ('' for none), made once per side object (allowed sides are shared by many edges). */
function allowedBy(side: SideVerdict): string {
  if (side.kind !== 'allowed') return '';
  let text = allowedTexts.get(side);
  if (text === undefined) allowedTexts.set(side, (text = side.allowedBy.map((r) => `${r.policy} ${r.direction}[${r.rule}]`).join(', ')));
  return text;
}
const allowedTexts = new WeakMap<SideVerdict, string>();

/** Why an evaluated allow is allowed: the rules of both sides, or that neither end is isolated. */
function allowText(v: Verdict): string {
  const egress = allowedBy(v.egress);
  const ingress = allowedBy(v.ingress);
  const by = egress === '' ? ingress : ingress === '' ? egress : `${egress}, ${ingress}`;
  return by === '' ? 'allowed: no policy isolates either end on its side' : `allowed by ${by}`;
}

function denialText(e: Extract<ReportEdge, { decision: 'allow' | 'deny' }>): string[] {
  const parts: string[] = [];
  for (const direction of ['egress', 'ingress'] as const) {
    const side = e.verdict?.[direction];
    if (side === undefined) continue;
    if (side.kind !== 'denied') continue;
    const closest = e.detail?.closest[direction];
    const near = closest === undefined ? 'no rule comes close'
      : closest.miss.mismatch === 'port'
        ? `closest: ${closest.miss.policy} ${direction}[${closest.miss.rule}] matches the peer but admits only ${closest.admits}`
        : `closest: ${closest.miss.policy} ${direction}[${closest.miss.rule}] admits the port but only for ${closest.admits}${namespaceText(closest.peerNamespace)}`;
    parts.push(`${SIDE_NAME[direction]} denied: isolated by ${side.isolatedBy.join(', ')}; ${near}`);
  }
  return parts;
}

/** Why this edge has its status, one clause per part (the denying sides, then what the world lacked). */
export function edgeReasons(e: ReportEdge): string[] {
  if (e.status === 'not-governed') {
    const text = EDGE_NOTE_TEXT[e.code].replace(/^not (governed|expressible): /, '');
    const isolated = e.isolation.map((i) => `the ${i.direction === 'egress' ? 'source' : 'destination'} pod is isolated for ${i.direction} by ${i.isolatedBy.join(', ')}: the CNI decides, check it`);
    return [text, ...isolated];
  }
  const gaps = e.detail === undefined ? [] : e.detail.gaps.map(gapText);
  if (e.decision === 'allow') {
    const allow = e.verdict === undefined ? 'allowed' : allowText(e.verdict);
    const head = e.status === 'dropped' ? `Hubble only saw it DROPPED, yet these policies allow it (${allow}): what drops it today is not among them` : allow;
    return gaps.length === 0 ? [head] : [head, ...gaps];
  }
  const head = e.status === 'dropped' ? ['Hubble only saw it DROPPED and these policies deny it too'] : [];
  return [...head, ...denialText(e), ...gaps];
}

/** One line: why this edge has its status. */
export function edgeReason(e: ReportEdge): string {
  return edgeReasons(e).join('; ');
}

/** `2 existing, 5 proposed, 3 simulated default-deny (ingress and egress) in a, b, c`. */
export function policiesLine(r: BreakageReport): string {
  const count = (p: PolicyProvenance): number => r.policies.filter((x) => x.provenance === p).length;
  const deny = r.defaultDeny.namespaces;
  const direction = r.defaultDeny.direction === 'both' ? 'ingress and egress' : r.defaultDeny.direction;
  const where = deny.length === 0 ? '' : ` (${direction}) in ${deny.join(', ')}`;
  return `${count('existing')} existing, ${count('proposed')} proposed, ${count('default-deny')} simulated default-deny${where}`;
}

/**
 * A workload group's heading in the words its edges use: the identity key, `ns/(no labels)` for an
 * identity without labels (whose key is `ns/`), `(no pod)` for edges with no pod at either end.
 */
export function workloadTitle(w: Pick<WorkloadReport, 'namespace' | 'workload'>): string {
  if (w.workload === undefined) return '(no pod)';
  const unlabelled: Identity = { namespace: w.namespace, labels: {} };
  return w.workload === identityKey(unlabelled) ? describePeer({ kind: 'workload', identity: unlabelled }) : w.workload;
}

/** `1 edge`, `2 edges`: a count and its word, plural unless 1. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** `3 edges, 50 flows`. */
export function countText(t: StatusTotals): string {
  return `${plural(t.edges, 'edge')}, ${plural(t.flows, 'flow')}`;
}
