// Classifies and explains one edge at a time with the one PolicyEngine: not governed (and why),
// or the engine's decision with, for a deny, the closest rule per denying side and what the world
// built from flows did not know. `explain: 'denied'` takes the decision from the engine's fast
// path (`allows`, the same rules) and builds the full verdict only for denials; `'all'` builds it
// for every edge. Verdicts are compacted as they are kept (shared empty and isolatedBy lists, one
// object per distinct allowed side), so a million edges fit in memory and renderers can
// write a shared side's text once.
import type {
  ClosestRule, Connection, DenialDetail, Edge, EdgeNoteCode, EdgeStatus, Identity, NearMiss, NetworkPolicy, Peer, PolicyDirection, PolicyRef,
  ReportEdge, RuleRef, SideVerdict, Subject, Verdict, WorldGap,
} from '../model.js';
import { describePeer, droppedToday } from '../policy/edge-notes.js';
import { type Unselectable, unselectable } from '../policy/workload-selectors.js';
import { deniedSides, type PolicyEngine } from '../policy/evaluate.js';
import { describeNearMiss, selectsNamespaces, usesNamedPorts } from './describe-rule.js';
import type { EdgeWorld, Owner, PeerSubject } from './world-from-edges.js';
import { worstPairing } from './pod-variants.js';
import { sameStrings } from '../order.js';

export type Explain = 'all' | 'denied';

const EMPTY: never[] = Object.freeze([]) as unknown as never[];

type AllowedSide = Extract<SideVerdict, { kind: 'allowed' }>;
/** Distinct allowed sides kept per isolatedBy list (a pod is usually allowed by a handful of rules). */
const SHARED_SIDES = 16;

function sameRules(a: readonly RuleRef[], b: readonly RuleRef[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as RuleRef;
    const y = b[i] as RuleRef;
    if (x.rule !== y.rule || x.policy !== y.policy || x.direction !== y.direction) return false;
  }
  return true;
}

type SubjectEnd = Extract<PeerSubject, { kind: 'subject' }>;

/**
 * Peers with no pod and no address flowpol knows, whose traffic a pod's isolation still denies
 * unless a rule admits every peer (or an ipBlock might cover them): another node, the
 * kube-apiserver, externals known only by name or never recorded. Not the pod's own node
 * (`not-governed-host`: always allowed) nor host-network pods (they may be on the pod's node).
 */
const UNADDRESSED: ReadonlySet<EdgeNoteCode> = new Set<EdgeNoteCode>([
  'not-governed-remote-node', 'not-governed-kube-apiserver', 'not-expressible-world-without-ip', 'not-expressible-fqdn',
]);
/** The unaddressed end of such an edge, for detail(): no engine ever sees it. */
const UNADDRESSED_PEER: Subject = Object.freeze({ kind: 'external', ip: '' });
/** The side of the unaddressed end: no NetworkPolicy applies there. */
const NO_POLICY_SIDE: SideVerdict = Object.freeze({ kind: 'not-governed', reason: 'external' });

/** A pod subject's owner (a host-network workload end has one too, but no subject). */
const ownerOf = (end: PeerSubject): Owner | undefined => (end.kind === 'subject' ? end.owner : undefined);


/** Where assessed edges go, with the workload each is listed under (undefined: no pod end). */
export interface EdgeSink {
  add(entry: ReportEdge, owner: Owner | undefined): void;
  /** An edge that keeps working, counted but not kept (`allowedEdges: 'count'`). */
  countAllowed(flows: number, owner: Owner | undefined): void;
}

/** Allowed edges: kept as report entries, or only counted per workload (text and markdown summaries). */
export type AllowedEdges = 'keep' | 'count';

export class Assessor {
  /** Policies with named ports, per direction (usually none). */
  private readonly namedPorts: Record<PolicyDirection, ReadonlySet<PolicyRef>>;
  /** One isolatedBy list per subject and direction, shared by every verdict that repeats it. */
  private readonly isolation = new Map<Subject, Partial<Record<PolicyDirection, PolicyRef[]>>>();
  /** The allowed sides made so far per isolatedBy list (shared): the few distinct ones each list has. */
  private readonly sides = new Map<PolicyRef[], AllowedSide[]>();
  private lastSource: { peer: Peer; found: PeerSubject } | undefined;
  /** unselectable() per identity (null: a podSelector can name it). */
  private readonly unselectables = new WeakMap<Identity, Unselectable | null>();
  private readonly question: Connection = { source: { kind: 'external', ip: '0.0.0.0' }, destination: { kind: 'external', ip: '0.0.0.0' }, protocol: 'TCP', port: 0 };

  constructor(
    private readonly engine: PolicyEngine, private readonly world: EdgeWorld,
    private readonly byRef: ReadonlyMap<PolicyRef, NetworkPolicy>, private readonly explain: Explain,
    private readonly allowed: AllowedEdges = 'keep',
  ) {
    const named = (d: PolicyDirection): Set<PolicyRef> => new Set([...byRef].filter(([, p]) => usesNamedPorts(p, d)).map(([ref]) => ref));
    this.namedPorts = { ingress: named('ingress'), egress: named('egress') };
  }

  /** Assesses one edge into the sink. */
  edge(edge: Edge, sink: EdgeSink): void {
    // Edges come sorted by source: most repeat the previous edge's source peer.
    if (edge.source !== this.lastSource?.peer) this.lastSource = { peer: edge.source, found: this.world.of(edge.source) };
    const source = this.lastSource.found;
    const destination = this.world.of(edge.destination);
    const code = this.notGovernedCode(edge, source, destination);
    if (code !== undefined && UNADDRESSED.has(code) && this.unaddressed(edge, source, destination, code, sink)) return;
    if (code !== undefined) {
      // The node always reaches its own pods (kubelet probes): the destination's isolation does not matter then.
      const fromHost = edge.source.kind === 'reserved' && edge.source.entity === 'host';
      const isolation = [this.isolated(source, 'egress'), fromHost ? undefined : this.isolated(destination, 'ingress')].filter((x) => x !== undefined);
      // Under a pod end whose isolation matters, else under a host-network workload end.
      sink.add({ status: 'not-governed', edge, code, isolation }, ownerOf(source) ?? ownerOf(destination) ?? source.owner ?? destination.owner);
      return;
    }
    const s = source as SubjectEnd;
    const d = destination as SubjectEnd;
    const protocol = edge.protocol as Connection['protocol'];
    const pair = s.variants === undefined && d.variants === undefined ? { source: s.subject, destination: d.subject, gap: undefined }
      : worstPairing(s, d, (a, b) => this.allows(a, b, protocol, edge.port));
    const fast = this.explain === 'denied' && this.allows(pair.source, pair.destination, protocol, edge.port);
    const connection: Connection | undefined = fast ? undefined : { source: pair.source, destination: pair.destination, protocol, port: edge.port };
    const verdict = connection === undefined ? undefined : this.compact(this.engine.evaluate(connection), connection);
    const decision = verdict?.decision ?? 'allow';
    const status: EdgeStatus = droppedToday(edge) ? 'dropped' : decision === 'deny' ? 'breaks' : 'allowed';
    if (status === 'allowed' && this.allowed === 'count') {
      sink.countAllowed(edge.count, s.owner ?? d.owner);
      return;
    }
    const unselectable = decision === 'deny' ? this.unselectable(edge) : [];
    const detail = verdict === undefined && s.gap === undefined && d.gap === undefined && pair.gap === undefined && unselectable.length === 0 ? undefined
      : this.detail(verdict, connection ?? { source: pair.source, destination: pair.destination, protocol, port: edge.port }, s.gap, d.gap, pair.gap, ...unselectable);
    const entry: Extract<ReportEdge, { decision: unknown }> = { status, edge, decision };
    if (verdict !== undefined) entry.verdict = verdict;
    if (detail !== undefined) entry.detail = detail;
    const ingressOnly = decision === 'deny' && verdict?.egress.kind !== 'denied';
    sink.add(entry, (ingressOnly ? undefined : s.owner) ?? d.owner);
  }

  /**
   * An edge between a pod and a peer with no pod and no known address (UNADDRESSED): NetworkPolicy
   * cannot name that peer, but the pod's isolation on its side still applies. When no rule that
   * could admit it has the port (Assessor: PolicyEngine.unaddressedSide), it is denied whatever the
   * address: added as a break (dropped, if Hubble only saw it so), and true. Else false, and it
   * stays not governed (the CNI and the address decide).
   */
  private unaddressed(edge: Edge, source: PeerSubject, destination: PeerSubject, code: EdgeNoteCode, sink: EdgeSink): boolean {
    const podAt = source.kind === 'subject' && source.subject.kind === 'pod' ? source : destination.kind === 'subject' && destination.subject.kind === 'pod' ? destination : undefined;
    if (podAt === undefined) return false;
    const direction: PolicyDirection = podAt === source ? 'egress' : 'ingress';
    const protocol = edge.protocol as Connection['protocol'];
    const groups = podAt.variants ?? [{ subject: podAt.subject, pods: [] }];
    const sides = groups.map((g) => this.engine.unaddressedSide(g.subject, direction, protocol, edge.port));
    const at = sides.findIndex((side) => side?.kind === 'denied');
    if (at === -1) return false;
    const { subject, pods } = groups[at] as (typeof groups)[number];
    const compacted = this.compactSide(sides[at] as SideVerdict, subject, direction);
    const verdict: Verdict = direction === 'egress' ? { decision: 'deny', egress: compacted, ingress: NO_POLICY_SIDE } : { decision: 'deny', egress: NO_POLICY_SIDE, ingress: compacted };
    const connection: Connection = direction === 'egress'
      ? { source: subject, destination: UNADDRESSED_PEER, protocol, port: edge.port } : { source: UNADDRESSED_PEER, destination: subject, protocol, port: edge.port };
    const gaps: WorldGap[] = [{ kind: 'peer-unaddressed', peer: describePeer(direction === 'egress' ? edge.destination : edge.source), code }];
    // A workload whose pods differ: name the ones it breaks for when others are allowed.
    const allowed = sides.filter((side) => side?.kind === 'allowed' || side?.kind === 'not-isolated').length;
    if (podAt.variants !== undefined && allowed > 0) gaps.push({ kind: 'pods-differ', [direction === 'egress' ? 'source' : 'destination']: [...pods], allowed, pairs: groups.length });
    const detail = this.detail(verdict, connection, ...gaps) as DenialDetail;
    sink.add({ status: droppedToday(edge) ? 'dropped' : 'breaks', edge, decision: 'deny', verdict, detail }, podAt.owner);
    return true;
  }

  /** The ends of a denied edge that no podSelector can name alone (a `peer-unselectable` gap each). */
  private unselectable(edge: Edge): WorldGap[] {
    const gaps: WorldGap[] = [];
    for (const peer of [edge.source, edge.destination]) {
      if (peer.kind !== 'workload') continue;
      let why = this.unselectables.get(peer.identity);
      if (why === undefined) this.unselectables.set(peer.identity, (why = unselectable(peer.identity) ?? null));
      if (why !== null) gaps.push({ kind: 'peer-unselectable', peer: describePeer(peer), code: why.code });
    }
    return gaps;
  }

  private notGovernedCode(edge: Edge, source: PeerSubject, destination: PeerSubject): EdgeNoteCode | undefined {
    if (edge.protocol === 'ICMPv4' || edge.protocol === 'ICMPv6') return 'not-governed-icmp';
    if (!Number.isInteger(edge.port) || edge.port < 1 || edge.port > 65_535) return 'not-expressible-port';
    if (source.kind === 'none') return source.code;
    if (destination.kind === 'none') return destination.code;
    if (source.subject.kind !== 'pod' && destination.subject.kind !== 'pod') return 'not-governed-no-pod';
    return undefined;
  }

  /** The policies isolating a pod end on its side, when it is isolated there (the first of its pod groups that is). */
  private isolated(end: PeerSubject, direction: PolicyDirection): { direction: PolicyDirection; isolatedBy: PolicyRef[] } | undefined {
    if (end.kind !== 'subject' || end.subject.kind !== 'pod') return undefined;
    for (const { subject } of end.variants ?? [end]) {
      const isolatedBy = this.isolatedBy(subject, direction, undefined);
      if (isolatedBy.length > 0) return { direction, isolatedBy };
    }
    return undefined;
  }

  private isolatedBy(subject: Subject, direction: PolicyDirection, fresh: PolicyRef[] | undefined): PolicyRef[] {
    let lists = this.isolation.get(subject);
    if (lists === undefined) this.isolation.set(subject, (lists = {}));
    return (lists[direction] ??= fresh ?? this.engine.isolatedBy(subject, direction));
  }

  /** The engine's fast path, asked with one reused Connection (allows keeps no reference to it). */
  private allows(source: Subject, destination: Subject, protocol: Connection['protocol'], port: number): boolean {
    const q = this.question;
    q.source = source;
    q.destination = destination;
    q.protocol = protocol;
    q.port = port;
    return this.engine.allows(q);
  }

  /** The verdict with shared lists in place of per-call copies. */
  private compact(v: Verdict, c: Connection): Verdict {
    return { decision: v.decision, egress: this.compactSide(v.egress, c.source, 'egress'), ingress: this.compactSide(v.ingress, c.destination, 'ingress') };
  }

  private compactSide(s: SideVerdict, subject: Subject, direction: PolicyDirection): SideVerdict {
    if (s.kind !== 'allowed' && s.kind !== 'denied') return s; // the engine's shared constants
    const isolatedBy = this.isolatedBy(subject, direction, s.isolatedBy);
    const unknown = s.namespaceLabelsUnknown.length === 0 ? EMPTY : s.namespaceLabelsUnknown;
    if (s.kind === 'denied') return { ...s, isolatedBy, namespaceLabelsUnknown: unknown, nearMisses: s.nearMisses.length === 0 ? EMPTY : s.nearMisses };
    return this.sharedAllowed(isolatedBy, s, unknown);
  }

  /** The allowed side already made with these lists, else a new one (kept for the next, up to SHARED_SIDES per list). */
  private sharedAllowed(isolatedBy: PolicyRef[], s: AllowedSide, unknown: string[]): AllowedSide {
    let made = this.sides.get(isolatedBy);
    if (made === undefined) this.sides.set(isolatedBy, (made = []));
    for (const m of made) if (sameRules(m.allowedBy, s.allowedBy) && sameStrings(m.namespaceLabelsUnknown, unknown)) return m;
    const side = { ...s, isolatedBy, namespaceLabelsUnknown: unknown };
    if (made.length < SHARED_SIDES) made.push(side);
    return side;
  }

  private closest(miss: NearMiss, peer: Subject): ClosestRule {
    const policy = this.byRef.get(miss.policy);
    const out: ClosestRule = { miss, admits: describeNearMiss(miss, policy) };
    const ns = peer.kind === 'pod' && miss.mismatch === 'peer' && selectsNamespaces(miss, policy) ? this.world.knownNamespace(peer.namespace) : undefined;
    return ns === undefined ? out : { ...out, peerNamespace: ns };
  }

  private detail(verdict: Verdict | undefined, c: Connection, ...peerGaps: (WorldGap | undefined)[]): DenialDetail | undefined {
    const gaps = peerGaps.filter((g) => g !== undefined);
    const denied = verdict === undefined ? [] : deniedSides(verdict);
    if (denied.length === 0 && gaps.length === 0) return undefined;
    const closest: DenialDetail['closest'] = {};
    const unknown = new Set<string>();
    const named = new Set<PolicyRef>();
    for (const direction of denied) {
      const side = (verdict as Verdict)[direction] as Extract<SideVerdict, { kind: 'denied' }>;
      const miss = side.nearMisses.find((m) => m.mismatch === 'port') ?? side.nearMisses[0];
      if (miss !== undefined) closest[direction] = this.closest(miss, direction === 'egress' ? c.destination : c.source);
      for (const ns of side.namespaceLabelsUnknown) unknown.add(ns);
      if (this.namedPorts[direction].size > 0 && c.destination.kind === 'pod' && !this.world.portsKnown(c.destination)) for (const ref of side.isolatedBy) if (this.namedPorts[direction].has(ref)) named.add(ref);
    }
    if (unknown.size > 0) gaps.push({ kind: 'namespace-labels-unknown', namespaces: [...unknown].sort() });
    if (named.size > 0) gaps.push({ kind: 'named-ports-unresolved', policies: [...named].sort() });
    return { closest, gaps };
  }
}
