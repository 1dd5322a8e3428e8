// The dry-run breakage report, pure: learned edges + namespaces + policies (existing, proposed,
// simulated default-deny) → what keeps working, what breaks and why, what NetworkPolicy cannot
// govern. Every verdict comes from the one PolicyEngine; this module only classifies, explains
// and groups. No I/O, no clock.
import type {
  BreakageReport, CoverageWarning, Edge, GenerateDirection, Namespace, PolicyProvenance, PolicyRef, ReportEdge, ReportPolicy, WorkloadReport,
} from '../model.js';
import { PolicyEngine, type PolicyInput } from '../policy/evaluate.js';
import { DEFAULT_NAMESPACE } from '../policy/validate.js';
import { type DefaultDenyScope, defaultDenyNamespaces, defaultDenyPolicies, unnamableNamespaces } from './default-deny.js';
import { type AllowedEdges, Assessor, type Explain } from './assess.js';
import { Grouper } from './group.js';
import { type EdgeList, PositionGrouper, streamEdges } from './stream-edges.js';
import { EdgeWorld, type IsNodeAddress, type PodsOf, sortedNamespaces } from './world-from-edges.js';
import { podDistinctions } from './pod-variants.js';

export interface BreakageInput {
  /**
   * Read once for the assessment (twice with `--default-deny all` or without an observation window;
   * `allowedEdges: 'stream'` then reads each by position): an `EdgeSelection` from the store builds each Edge as it goes.
   */
  edges: EdgeList;
  /** Namespaces with the labels flows showed them carrying. */
  namespaces: readonly Namespace[];
  /** Policies in force today (`--existing`). */
  existing: readonly PolicyInput[];
  /** Policies to roll out (`--proposed`); one with the name of an existing policy replaces it. */
  proposed: readonly PolicyInput[];
  /** What the store knows about the observation: its window and lost events. */
  observation: { window?: { first: number; last: number }; lostEvents: number };
  /** Workloads' pods from a cluster inventory: container ports (named ports then resolve), labels, host network. */
  podsOf?: PodsOf;
  /** The cluster inventory's host-network pod addresses (nodes'): an edge to or from one is not governed. */
  isNodeAddress?: IsNodeAddress;
}

export interface BreakageOptions {
  defaultDeny: DefaultDenyScope;
  direction: GenerateDirection;
  /** Build the engine's full verdict for every edge (default), or only for denied ones (faster; allowed edges then carry no verdict). */
  explain?: Explain;
  /**
   * Keep every edge that keeps working in the report (default), or only count them per workload
   * (what text and markdown show without listing them), or 'stream': keep no edge at all (the
   * workloads' `edges` stay empty, their totals are complete) and build each again, in report
   * order, as `edgesOf` is read: from the first pass's shared verdict sides, else assessed again
   * (what `-o json` uses: memory grows by a few bytes per edge, never by its verdict).
   */
  allowedEdges?: AllowedEdges | 'stream';
}

/** The report, plus the world and engine it was computed with (for `--world-out`). */
export interface BreakageResult {
  report: BreakageReport;
  world: EdgeWorld;
  engine: PolicyEngine;
  /** A workload's edges in report order: its `edges`, or with `allowedEdges: 'stream'` each built again as it is read. */
  edgesOf(w: WorkloadReport): Iterable<ReportEdge>;
}

const DAY_MS = 24 * 60 * 60 * 1000;

export function buildBreakageReport(input: BreakageInput, options: BreakageOptions): BreakageResult {
  let names: string[] | undefined; // every edge is read for them: once, and only when `all` asks
  const worldNamespaces = (): string[] => (names ??= namespaceNames(input));
  const denyNamespaces = defaultDenyNamespaces(options.defaultDeny, worldNamespaces);
  const simulated = defaultDenyPolicies(denyNamespaces, options.direction);
  const proposedRefs = new Set(input.proposed.map(refOf).filter((r) => r !== undefined));
  const existing = input.existing.filter((p) => !proposedRefs.has(refOf(p) ?? '\u0000'));
  const engine = new PolicyEngine([...existing, ...input.proposed, ...simulated], sortedNamespaces(input.namespaces));
  // With an inventory, a workload's pods that differ in what these policies select on are evaluated apart.
  const world = new EdgeWorld(input.namespaces, { podsOf: input.podsOf, isNodeAddress: input.isNodeAddress, distinctions: podDistinctions(engine.policies) });
  const provenance = new Map<PolicyRef, PolicyProvenance>();
  for (const p of simulated) provenance.set(refOf(p) as string, 'default-deny');
  for (const ref of proposedRefs) provenance.set(ref, 'proposed');
  const byRef = new Map(engine.policies.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
  const policies: ReportPolicy[] = [...byRef.keys()].map((ref) => ({ ref, provenance: provenance.get(ref) ?? 'existing' }));

  const explain = options.explain ?? 'all';
  const allowed = options.allowedEdges ?? 'keep';
  // Streaming, the first pass sees every edge's verdict: the grouper keeps those made of shared sides for the second.
  const assessor = new Assessor(engine, world, byRef, explain, allowed === 'stream' ? 'keep' : allowed);
  const grouper = allowed === 'stream' ? new PositionGrouper(input.edges.length) : new Grouper();
  for (const edge of input.edges) assessor.edge(edge, grouper);
  const window = input.observation.window ?? windowOf(input.edges);
  // Named namespaces the world does not know once every edge end was seen: their default-deny simulates nothing.
  const unknown = options.defaultDeny.kind === 'namespaces' ? denyNamespaces.filter((ns) => !world.hasNamespace(ns)) : [];
  const unnamable = unnamableNamespaces(options.defaultDeny, worldNamespaces);
  const report: BreakageReport = {
    ...(window === undefined ? {} : { window }),
    policies,
    defaultDeny: {
      namespaces: denyNamespaces, direction: options.direction,
      ...(unknown.length === 0 ? {} : { unknown }), ...(unnamable.length === 0 ? {} : { unnamable }),
    },
    totals: grouper.totals,
    coverage: coverage(window, input.observation.lostEvents),
    namespaces: grouper.namespaces(),
  };
  if (!(grouper instanceof PositionGrouper)) return { report, world, engine, edgesOf: (w) => w.edges };
  const again = new Assessor(engine, world, byRef, explain, 'keep');
  return { report, world, engine, edgesOf: (w) => streamEdges(w, input.edges, grouper, again) };
}

/** Every namespace of the world: those flows showed labels for, and those of the workloads. */
function namespaceNames(input: BreakageInput): string[] {
  const names = new Set(input.namespaces.map((n) => n.name));
  for (const e of input.edges) {
    if (e.source.kind === 'workload') names.add(e.source.identity.namespace);
    if (e.destination.kind === 'workload') names.add(e.destination.identity.namespace);
  }
  return [...names];
}

/** `namespace/name` of a policy as written (namespace defaulted), or undefined when it has no name. */
function refOf(input: PolicyInput): PolicyRef | undefined {
  const raw = 'origin' in input && 'policy' in input ? input.policy : input;
  const meta = (raw as { metadata?: { name?: unknown; namespace?: unknown } } | null)?.metadata;
  if (typeof meta?.name !== 'string') return undefined;
  return `${typeof meta.namespace === 'string' && meta.namespace !== '' ? meta.namespace : DEFAULT_NAMESPACE}/${meta.name}`;
}

function windowOf(edges: Iterable<Edge>): { first: number; last: number } | undefined {
  let first = Infinity;
  let last = -Infinity;
  for (const e of edges) {
    if (e.firstSeen < first) first = e.firstSeen;
    if (e.lastSeen > last) last = e.lastSeen;
  }
  return first === Infinity ? undefined : { first, last };
}

function coverage(window: { first: number; last: number } | undefined, lost: number): CoverageWarning[] {
  const out: CoverageWarning[] = [];
  if (window === undefined) out.push({ kind: 'no-traffic' });
  else if (window.last - window.first < DAY_MS) out.push({ kind: 'short-window', ...window });
  if (lost > 0) out.push({ kind: 'lost-events', lost });
  return out;
}
