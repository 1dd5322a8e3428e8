// The dry-run breakage report, pure: learned edges + namespaces + policies (existing, proposed,
// simulated default-deny) → what keeps working, what breaks and why, what NetworkPolicy cannot
// govern. Every verdict comes from the one PolicyEngine; this module only classifies, explains
// and groups. No I/O, no clock.
import type {
  BreakageReport, ClosestRule, Connection, CoverageWarning, DenialDetail, Edge, EdgeNoteCode, EdgeStatus, GenerateDirection, Namespace,
  NearMiss, NetworkPolicy, PolicyDirection, PolicyProvenance, PolicyRef, ReportEdge, ReportPolicy, SideVerdict, Subject, Verdict, WorldGap,
} from '../model.js';
import { deniedSides, PolicyEngine, type PolicyInput } from '../policy/evaluate.js';
import { DEFAULT_NAMESPACE } from '../policy/validate.js';
import { type DefaultDenyScope, defaultDenyNamespaces, defaultDenyPolicies } from './default-deny.js';
import { describeNearMiss, selectsNamespaces, usesNamedPorts } from './describe-rule.js';
import { groupEdges, totalsOf } from './group.js';
import { EdgeWorld, type PeerSubject } from './world-from-edges.js';

export interface BreakageInput {
  edges: readonly Edge[];
  /** Namespaces with the labels flows showed them carrying. */
  namespaces: readonly Namespace[];
  /** Policies in force today (`--existing`). */
  existing: readonly PolicyInput[];
  /** Policies to roll out (`--proposed`); one with the name of an existing policy replaces it. */
  proposed: readonly PolicyInput[];
  /** What the store knows about the observation: its window and lost events. */
  observation: { window?: { first: number; last: number }; lostEvents: number };
}

export interface BreakageOptions { defaultDeny: DefaultDenyScope; direction: GenerateDirection }

/** The report, plus the world and engine it was computed with (for `--world-out`). */
export interface BreakageResult { report: BreakageReport; world: EdgeWorld; engine: PolicyEngine }

const DAY_MS = 24 * 60 * 60 * 1000;
const PASSING = ['FORWARDED', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED'] as const;

/** Hubble only ever saw this edge DROPPED: it does not work today. */
export const droppedToday = (edge: Edge): boolean =>
  (edge.verdicts.DROPPED ?? 0) > 0 && PASSING.every((v) => (edge.verdicts[v] ?? 0) === 0);

export function buildBreakageReport(input: BreakageInput, options: BreakageOptions): BreakageResult {
  const world = new EdgeWorld(input.namespaces);
  for (const edge of input.edges) {
    world.of(edge.source);
    world.of(edge.destination);
  }
  const denyNamespaces = defaultDenyNamespaces(options.defaultDeny, world.namespaceNames());
  const simulated = defaultDenyPolicies(denyNamespaces, options.direction);
  const proposedRefs = new Set(input.proposed.map(refOf).filter((r) => r !== undefined));
  const existing = input.existing.filter((p) => !proposedRefs.has(refOf(p) ?? '\u0000'));
  const engine = new PolicyEngine([...existing, ...input.proposed, ...simulated], world.namespaces());
  const provenance = new Map<PolicyRef, PolicyProvenance>();
  for (const p of simulated) provenance.set(refOf(p) as string, 'default-deny');
  for (const ref of proposedRefs) provenance.set(ref, 'proposed');
  const byRef = new Map(engine.policies.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const policies: ReportPolicy[] = [...byRef.keys()].map((ref) => ({ ref, provenance: provenance.get(ref) ?? 'existing' }));

  const assess = new Assessor(engine, world, byRef);
  const entries = input.edges.map((edge) => assess.edge(edge));
  const window = input.observation.window ?? windowOf(input.edges);
  const report: BreakageReport = {
    ...(window === undefined ? {} : { window }),
    policies,
    defaultDeny: { namespaces: denyNamespaces, direction: options.direction },
    totals: totalsOf(entries),
    coverage: coverage(window, input.observation.lostEvents),
    namespaces: groupEdges(entries),
  };
  return { report, world, engine };
}

/** `namespace/name` of a policy as written (namespace defaulted), or undefined when it has no name. */
function refOf(input: PolicyInput): PolicyRef | undefined {
  const raw = 'origin' in input && 'policy' in input ? input.policy : input;
  const meta = (raw as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  if (typeof meta?.name !== 'string') return undefined;
  return `${typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : DEFAULT_NAMESPACE}/${meta.name}`;
}

function windowOf(edges: readonly Edge[]): { first: number; last: number } | undefined {
  if (edges.length === 0) return undefined;
  let first = Infinity;
  let last = -Infinity;
  for (const e of edges) {
    if (e.firstSeen < first) first = e.firstSeen;
    if (e.lastSeen > last) last = e.lastSeen;
  }
  return { first, last };
}

function coverage(window: { first: number; last: number } | undefined, lost: number): CoverageWarning[] {
  const out: CoverageWarning[] = [];
  if (window === undefined) out.push({ kind: 'no-traffic' });
  else if (window.last - window.first < DAY_MS) out.push({ kind: 'short-window', ...window });
  if (lost > 0) out.push({ kind: 'lost-events', lost });
  return out;
}

/** Classifies and explains one edge at a time, with the engine's verdicts. */
class Assessor {
  private readonly namedPorts = new Map<string, boolean>();
  constructor(
    private readonly engine: PolicyEngine, private readonly world: EdgeWorld, private readonly byRef: ReadonlyMap<PolicyRef, NetworkPolicy>,
  ) {}

  edge(edge: Edge): ReportEdge {
    const source = this.world.of(edge.source);
    const destination = this.world.of(edge.destination);
    const notGoverned = (code: EdgeNoteCode): ReportEdge => {
      // The node always reaches its own pods (kubelet probes): the destination's isolation does not matter then.
      const fromHost = edge.source.kind === 'reserved' && edge.source.entity === 'host';
      const isolation = [this.isolation(source, 'egress'), fromHost ? undefined : this.isolation(destination, 'ingress')].filter((x) => x !== undefined);
      return { status: 'not-governed', edge, code, isolation };
    };
    if (edge.protocol === 'ICMPv4' || edge.protocol === 'ICMPv6') return notGoverned('not-governed-icmp');
    if (!Number.isInteger(edge.port) || edge.port < 1 || edge.port > 65_535) return notGoverned('not-expressible-port');
    if (source.kind === 'none') return notGoverned(source.code);
    if (destination.kind === 'none') return notGoverned(destination.code);
    if (source.subject.kind !== 'pod' && destination.subject.kind !== 'pod') return notGoverned('not-governed-no-pod');
    const connection: Connection = { source: source.subject, destination: destination.subject, protocol: edge.protocol, port: edge.port };
    const verdict = this.engine.evaluate(connection);
    const status: EdgeStatus = droppedToday(edge) ? 'dropped' : verdict.decision === 'deny' ? 'breaks' : 'allowed';
    const detail = this.detail(verdict, connection, [source.gap, destination.gap]);
    return detail === undefined ? { status, edge, verdict } : { status, edge, verdict, detail };
  }

  /** The policies isolating a pod end on its side, when it is isolated there. */
  private isolation(end: PeerSubject, direction: PolicyDirection): { direction: PolicyDirection; isolatedBy: PolicyRef[] } | undefined {
    if (end.kind !== 'subject' || end.subject.kind !== 'pod') return undefined;
    const isolatedBy = this.engine.isolatedBy(end.subject, direction);
    return isolatedBy.length === 0 ? undefined : { direction, isolatedBy };
  }

  private closest(miss: NearMiss, peer: Subject): ClosestRule {
    const policy = this.byRef.get(miss.policy);
    const out: ClosestRule = { miss, admits: describeNearMiss(miss, policy) };
    const ns = peer.kind === 'pod' && miss.mismatch === 'peer' && selectsNamespaces(miss, policy) ? this.world.knownNamespace(peer.namespace) : undefined;
    return ns === undefined ? out : { ...out, peerNamespace: ns };
  }

  private detail(verdict: Verdict, other: Connection, peerGaps: (WorldGap | undefined)[]): DenialDetail | undefined {
    const gaps = peerGaps.filter((g) => g !== undefined);
    const denied = deniedSides(verdict);
    if (denied.length === 0 && gaps.length === 0) return undefined;
    const closest: DenialDetail['closest'] = {};
    const unknown = new Set<string>();
    const named = new Set<PolicyRef>();
    for (const direction of denied) {
      const side = verdict[direction] as Extract<SideVerdict, { kind: 'denied' }>;
      const miss = side.nearMisses.find((m) => m.mismatch === 'port') ?? side.nearMisses[0];
      if (miss !== undefined) closest[direction] = this.closest(miss, direction === 'egress' ? other.destination : other.source);
      for (const ns of side.namespaceLabelsUnknown) unknown.add(ns);
      for (const ref of side.isolatedBy) if (this.usesNamedPorts(ref, direction)) named.add(ref);
    }
    if (unknown.size > 0) gaps.push({ kind: 'namespace-labels-unknown', namespaces: [...unknown].sort() });
    if (named.size > 0) gaps.push({ kind: 'named-ports-unresolved', policies: [...named].sort() });
    return { closest, gaps };
  }

  private usesNamedPorts(ref: PolicyRef, direction: PolicyDirection): boolean {
    const key = `${direction} ${ref}`;
    let found = this.namedPorts.get(key);
    if (found === undefined) {
      const policy = this.byRef.get(ref);
      found = policy !== undefined && usesNamedPorts(policy, direction);
      this.namedPorts.set(key, found);
    }
    return found;
  }
}
