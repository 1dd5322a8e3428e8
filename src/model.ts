// The vocabulary of flowpol. Imports nothing; every stage speaks these types.
// Upstream words are kept: `ObservedVerdict` is Hubble's verdict on a packet, `Verdict` is ours
// (what a set of NetworkPolicies would decide for a connection).

// ---------------------------------------------------------------------------------------------
// Hubble side: flows as observed
// ---------------------------------------------------------------------------------------------

export const OBSERVED_VERDICTS = [
  'VERDICT_UNKNOWN', 'FORWARDED', 'DROPPED', 'ERROR', 'AUDIT', 'REDIRECTED', 'TRACED', 'TRANSLATED',
] as const;
export type ObservedVerdict = (typeof OBSERVED_VERDICTS)[number];

export const TRAFFIC_DIRECTIONS = ['TRAFFIC_DIRECTION_UNKNOWN', 'INGRESS', 'EGRESS'] as const;
export type TrafficDirection = (typeof TRAFFIC_DIRECTIONS)[number];

/** Protocols a NetworkPolicy port can name. */
export const POLICY_PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
export type PolicyProtocol = (typeof POLICY_PROTOCOLS)[number];

/** Protocols an edge can carry, in a fixed order (numbered keys and store columns use it). ICMP edges use the ICMP type in place of a port. */
export const EDGE_PROTOCOLS = [...POLICY_PROTOCOLS, 'ICMPv4', 'ICMPv6'] as const;
export type EdgeProtocol = (typeof EDGE_PROTOCOLS)[number];
/** An edge protocol's position in EDGE_PROTOCOLS. */
export const EDGE_PROTOCOL_INDEX: Readonly<Record<EdgeProtocol, number>> = Object.fromEntries(EDGE_PROTOCOLS.map((p, i) => [p, i])) as Record<EdgeProtocol, number>;

/** TCP flag names in Hubble's field order (TCPFlags fields 1..9). */
export const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR', 'NS'] as const;
/** The flags a TCP packet carried (only those set are present). */
export type TcpFlags = { [F in (typeof TCP_FLAGS)[number]]?: boolean };

/** Every Layer4 protocol flowpol reads: the edge protocols, then two it keeps but never learns an edge from. */
export const L4_PROTOCOLS = [...EDGE_PROTOCOLS, 'VRRP', 'IGMP'] as const;

export type Layer4 =
  | { protocol: 'TCP'; sourcePort: number; destinationPort: number; flags: TcpFlags }
  | { protocol: 'UDP' | 'SCTP'; sourcePort: number; destinationPort: number }
  | { protocol: 'ICMPv4' | 'ICMPv6'; type: number; code: number }
  | { protocol: 'VRRP' | 'IGMP' };

export interface Workload { name: string; kind: string }

export interface Endpoint {
  /** Cilium endpoint id; only set when the endpoint is local to the observing node. */
  id?: number;
  identity?: number;
  clusterName?: string;
  namespace?: string;
  podName?: string;
  /** Raw Cilium labels, `source:key=value` (reserved labels have no `=`). */
  labels: string[];
  workloads: Workload[];
  /** The endpoint's address on this flow (from the IP header). */
  ip?: string;
}

/** Hubble's L7FlowType names, in its number order. */
export const L7_TYPES = ['UNKNOWN_L7_TYPE', 'REQUEST', 'RESPONSE', 'SAMPLE'] as const;
export type L7Type = (typeof L7_TYPES)[number];
/** Hubble's FlowType names, in its number order. */
export const FLOW_TYPES = ['UNKNOWN_TYPE', 'L3_L4', 'L7', 'SOCK'] as const;

export interface Layer7 {
  type: L7Type;
  dns?: { query: string; ips: string[]; rcode: number };
  http?: { method: string; url: string; code: number };
}

export interface EventType { type: number; subType: number }

/** One Hubble flow event in our shape (JSON and gRPC readers both produce exactly this). */
export interface Flow {
  /** Event time, milliseconds since the epoch (fractional part keeps microseconds). */
  time: number;
  uuid?: string;
  observedVerdict: ObservedVerdict;
  /** `drop_reason_desc` name, only for DROPPED. */
  dropReason?: string;
  eventType?: EventType;
  flowType?: (typeof FLOW_TYPES)[number];
  traceObservationPoint?: string;
  trafficDirection: TrafficDirection;
  /** true = reply direction, false = request, undefined = unknown (Hubble's BoolValue). */
  isReply: boolean | undefined;
  source: Endpoint;
  destination: Endpoint;
  ipVersion?: 'IPv4' | 'IPv6';
  l4?: Layer4;
  l7?: Layer7;
  nodeName?: string;
  sourceNames: string[];
  destinationNames: string[];
  policyMatchType?: number;
}

export type LostEventSource =
  | 'UNKNOWN_LOST_EVENT_SOURCE' | 'PERF_EVENT_RING_BUFFER' | 'OBSERVER_EVENTS_QUEUE' | 'HUBBLE_RING_BUFFER';

export interface LostEvent { source: LostEventSource; numEventsLost: number; cpu?: number; nodeName?: string; time?: number }

export type NodeState = 'UNKNOWN_NODE_STATE' | 'NODE_CONNECTED' | 'NODE_UNAVAILABLE' | 'NODE_GONE' | 'NODE_ERROR';

export interface NodeStatus { state: NodeState; nodeNames: string[]; message: string }

/** What a flow source yields: flows, plus the stream's own news that are not flows. */
export type FlowEvent =
  | { kind: 'flow'; flow: Flow }
  | { kind: 'lost'; lost: LostEvent }
  | { kind: 'node-status'; status: NodeStatus }
  | { kind: 'other'; what: 'agent_event' | 'debug_event' };

/**
 * Recorded files and the live gRPC client are interchangeable behind this. `takeReady`, when a
 * source has it, hands out events it has already read without a promise per event (the async
 * iterator costs a microtask each): the next event, or undefined when getting one means waiting
 * for input (then go on with the iterator). Errors are thrown as the iterator would reject them.
 */
export type FlowSource = AsyncIterable<FlowEvent> & { close(): Promise<void> | void; takeReady?(): FlowEvent | undefined };

/** The same selection for every source (hubble's since/until and namespace filters). */
export interface FlowFilter {
  since?: number;
  until?: number;
  /** Keep flows with either end in one of these namespaces; empty = all namespaces. */
  namespaces: string[];
  /** hubble `--pod`: source or destination pod `ns/name-prefix`, `ns/`, `/name-prefix` (any namespace) or `name-prefix` (namespace `default`). */
  pods?: string[];
  /** hubble `--from-pod` / `--to-pod`: the same patterns for one end only. */
  fromPods?: string[];
  toPods?: string[];
  /** hubble `--verdict`: keep only these observed verdicts; absent/empty = all. */
  verdicts?: ObservedVerdict[];
  /** hubble `--label`: either end matches a label selector (`app=web`, `k8s:app=web`, `!key`, `key in (a,b)`). */
  labels?: string[];
  /** hubble `--from-label` / `--to-label`: the same selectors for one end only. */
  fromLabels?: string[];
  toLabels?: string[];
}

// ---------------------------------------------------------------------------------------------
// Identities, peers, edges
// ---------------------------------------------------------------------------------------------

/** A workload by its namespace and stable labels; canonical key `ns/app=web,tier=fe`. */
export interface Identity { namespace: string; labels: Readonly<Record<string, string>> }

export const RESERVED_ENTITIES = [
  'host', 'remote-node', 'kube-apiserver', 'world', 'world-ipv4', 'world-ipv6', 'health',
  'init', 'unmanaged', 'ingress', 'unknown',
] as const;
export type ReservedEntity = (typeof RESERVED_ENTITIES)[number];

export type Peer =
  | { kind: 'workload'; identity: Identity }
  | { kind: 'reserved'; entity: ReservedEntity }
  /** An address outside the cluster (a world IP as /32 or /128, or a `cidr:` identity's prefix). */
  | { kind: 'cidr'; cidr: string }
  /** An external known only by DNS name (no address was observed). */
  | { kind: 'fqdn'; name: string };

/** One folded request, before aggregation. */
export interface ObservedEdge {
  source: Peer;
  destination: Peer;
  protocol: EdgeProtocol;
  /** Destination port, or ICMP type for ICMP. */
  port: number;
  observedVerdict: ObservedVerdict;
  time: number;
  /** DNS names the source resolved for the destination (Hubble `destination_names`). */
  destinationNames: string[];
}

/** The destinationNames of every edge without any: one shared, frozen array (many edges have none). */
export const NO_NAMES = Object.freeze([]) as unknown as string[];

export interface Edge {
  source: Peer;
  destination: Peer;
  protocol: EdgeProtocol;
  port: number;
  count: number;
  firstSeen: number;
  lastSeen: number;
  verdicts: Partial<Record<ObservedVerdict, number>>;
  destinationNames: string[];
}

// ---------------------------------------------------------------------------------------------
// Kubernetes side: the API objects as users write them
// ---------------------------------------------------------------------------------------------

export const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
export type SelectorOperator = (typeof SELECTOR_OPERATORS)[number];

export interface LabelSelectorRequirement { key: string; operator: SelectorOperator; values?: string[] }
export interface LabelSelector { matchLabels?: Record<string, string>; matchExpressions?: LabelSelectorRequirement[] }

export interface IPBlock { cidr: string; except?: string[] }
export interface NetworkPolicyPeer { podSelector?: LabelSelector; namespaceSelector?: LabelSelector; ipBlock?: IPBlock }
export interface NetworkPolicyPort { protocol?: PolicyProtocol; port?: number | string; endPort?: number }
export interface NetworkPolicyIngressRule { from?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export interface NetworkPolicyEgressRule { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }
export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicy {
  apiVersion: 'networking.k8s.io/v1';
  kind: 'NetworkPolicy';
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: {
    podSelector: LabelSelector;
    policyTypes?: PolicyType[];
    ingress?: NetworkPolicyIngressRule[];
    egress?: NetworkPolicyEgressRule[];
  };
}

export interface ContainerPort { name?: string; port: number; protocol: PolicyProtocol }
export interface Namespace { name: string; labels: Record<string, string> }
export interface Pod {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  ip?: string;
  ports: ContainerPort[];
  hostNetwork?: boolean;
}
export interface External { name: string; ip: string }

/** Everything the evaluator needs to decide a connection. */
export interface World {
  namespaces: Namespace[];
  pods: Pod[];
  externals: External[];
  policies: NetworkPolicy[];
}

// ---------------------------------------------------------------------------------------------
// Inventory: what a cluster (or a snapshot of one) says exists (src/k8s/)
// ---------------------------------------------------------------------------------------------

/** Workload kinds whose selectors flowpol reads; the owner chain is resolved through these. */
export const WORKLOAD_KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'] as const;
export type WorkloadKind = (typeof WORKLOAD_KINDS)[number];

/** An object named by kind and name (namespace implied by the holder). */
export interface ObjectRef { kind: string; name: string }

/**
 * How a workload's selector was obtained: `spec.selector` as written (Deployment, ReplicaSet,
 * StatefulSet, DaemonSet, Job with manualSelector), or the pod template's labels minus the
 * labels Kubernetes generates per run (Job, CronJob: their generated selector names a
 * controller-uid that changes every run, so it is useless for a policy).
 */
export type SelectorSource = 'spec.selector' | 'template-labels';

/** A top-level workload owner (not itself controlled by another workload kind flowpol reads). */
export interface InventoryWorkload {
  namespace: string;
  kind: WorkloadKind;
  name: string;
  selector: LabelSelector;
  selectorSource: SelectorSource;
}

/** A pod as the cluster reports it; a `Pod` of the evaluator's `World`, plus where it came from. */
export interface InventoryPod extends Pod {
  /** All pod IPs (`status.podIPs`), dual-stack included; `ip` is the first. */
  ips: string[];
  hostNetwork: boolean;
  /** The workload owner at the top of the controller chain (Pod→ReplicaSet→Deployment, Job→CronJob). */
  owner?: ObjectRef;
  /** The controller chain from the pod's direct controller up to `owner`. */
  ownerChain?: ObjectRef[];
  nodeName?: string;
  phase?: string;
}

/** Where an inventory came from; printed so the user knows which mode was used. */
export type InventorySource =
  | { kind: 'cluster'; context: string; cluster: string }
  | { kind: 'in-cluster' };

/**
 * Namespaces, pods (with ports, IPs, owners), workload owners' selectors and the NetworkPolicies
 * in force. Structurally a `World` (with no externals), so the evaluator can use it directly.
 */
export interface Inventory extends World {
  source: InventorySource;
  pods: InventoryPod[];
  workloads: InventoryWorkload[];
}

// ---------------------------------------------------------------------------------------------
// Verdict: what a set of NetworkPolicies decides for one connection (src/policy/evaluate.ts)
// ---------------------------------------------------------------------------------------------

/**
 * One end of a connection as the policy engine sees it. A pod is governed by the policies of
 * its namespace; an external (an address outside the cluster) has no policy side and is
 * matched only by `ipBlock` peers.
 */
export type Subject =
  | {
      kind: 'pod';
      namespace: string;
      name?: string;
      labels: Readonly<Record<string, string>>;
      /** Declared container ports; named ports in policies resolve against these. */
      ports: readonly ContainerPort[];
    }
  | { kind: 'external'; ip: string; name?: string };

/** A connection attempt: source → destination on protocol/port (the destination port). */
export interface Connection { source: Subject; destination: Subject; protocol: PolicyProtocol; port: number }

/** `namespace/name` of a NetworkPolicy. */
export type PolicyRef = string;

/** Egress is decided at the source, ingress at the destination. */
export type PolicyDirection = 'egress' | 'ingress';

/** One rule: `spec.ingress[rule]` or `spec.egress[rule]` of a policy. */
export interface RuleRef { policy: PolicyRef; direction: PolicyDirection; rule: number }

/**
 * A rule that almost admitted a denied connection: its peers matched but no port did
 * (`mismatch: 'port'`), or a port matched but no peer did (`mismatch: 'peer'`).
 */
export interface NearMiss extends RuleRef { mismatch: 'port' | 'peer' }

/** The decision of one side of a connection. */
export type SideVerdict =
  /**
   * Externals have no policy side; nor has a pod's traffic to itself (`loopback`: "a pod cannot
   * block access to itself", Kubernetes' NetworkPolicy docs), whatever isolates it.
   */
  | { kind: 'not-governed'; reason: 'external' | 'loopback' }
  /** No policy of this direction selects the pod: everything is allowed on this side. */
  | { kind: 'not-isolated' }
  | {
      kind: 'allowed';
      isolatedBy: PolicyRef[];
      allowedBy: RuleRef[];
      /** Namespaces whose labels a namespaceSelector needed but the world does not know. */
      namespaceLabelsUnknown: string[];
    }
  | {
      kind: 'denied';
      isolatedBy: PolicyRef[];
      nearMisses: NearMiss[];
      namespaceLabelsUnknown: string[];
    };

/** Ours (not Hubble's `ObservedVerdict`): allowed iff the egress side AND the ingress side allow. */
export interface Verdict {
  decision: 'allow' | 'deny';
  /** Decided at the source pod. */
  egress: SideVerdict;
  /** Decided at the destination pod. */
  ingress: SideVerdict;
}

// ---------------------------------------------------------------------------------------------
// Generated policies: PolicySet, Rule (src/policy/generate.ts → manifests.ts)
// ---------------------------------------------------------------------------------------------

/** Which sides `flowpol generate` writes rules for (`--direction`). */
export const GENERATE_DIRECTIONS = ['ingress', 'egress', 'both'] as const;
export type GenerateDirection = (typeof GENERATE_DIRECTIONS)[number];

/** The observed traffic behind a policy or a rule (no edges for rules added by `--always-dns`). */
export interface TrafficSummary { edges: number; flows: number; firstSeen?: number; lastSeen?: number }

/** A peer of a generated rule: what was observed, and the NetworkPolicy peer that selects it. */
export interface RulePeer {
  peer: Peer;
  selector: NetworkPolicyPeer;
  /** DNS names observed for this peer (cidr peers), sorted. */
  names: string[];
}

/** One generated rule: every peer may use every port. Peers with identical port sets share a rule. */
export interface Rule {
  peers: RulePeer[];
  /** Protocol always set; sorted by protocol, then port. */
  ports: NetworkPolicyPort[];
  traffic: TrafficSummary;
  /** `--always-dns` added (some of) this rule's peers or ports without observed traffic. */
  addedForDns: boolean;
}

/** One generated NetworkPolicy for one workload identity; rules parallel `spec.ingress/egress`. */
export interface GeneratedPolicy {
  identity: Identity;
  policy: NetworkPolicy;
  ingress: Rule[];
  egress: Rule[];
  traffic: TrafficSummary;
}

/**
 * Why an edge did not become (all of) a rule, or deserves a look. `left-out-*` follow the user's
 * options; `not-governed-*` is traffic NetworkPolicy cannot govern; `not-expressible-*` is
 * traffic it governs but flowpol cannot select without an over-broad rule.
 */
export const EDGE_NOTE_CODES = [
  'left-out-min-count', 'left-out-window',
  'not-governed-host', 'not-governed-remote-node', 'not-governed-kube-apiserver',
  'not-governed-health', 'not-governed-ingress', 'not-governed-unmanaged', 'not-governed-reserved',
  'not-governed-icmp', 'not-governed-no-pod', 'not-governed-host-network',
  'not-expressible-world-without-ip', 'not-expressible-fqdn', 'not-expressible-unlabelled',
  'not-expressible-labels', 'not-expressible-namespace-name', 'not-expressible-namespace', 'not-expressible-port',
  'allowed-despite-drops', 'always-dns-other-server',
] as const;
export type EdgeNoteCode = (typeof EDGE_NOTE_CODES)[number];

/** A note about one edge, attached to the policies of the workloads it concerns. */
export interface EdgeNote {
  code: EdgeNoteCode;
  edge: Edge;
  /** Workloads whose generated policy the note belongs to; empty = no policy (set-level). */
  workloads: Identity[];
  /** One line, for humans. */
  message: string;
}

/**
 * How a cross-namespace peer's namespace is selected. `name-label` when flows showed the
 * namespace carrying `kubernetes.io/metadata.name`; `name-label-assumed` when its labels were
 * never seen (the API server sets that label on every namespace since Kubernetes 1.21);
 * `observed-labels` when its labels were seen without the name label and no other known
 * namespace carries them all; `unselectable` otherwise (its peers are left out, with a note).
 */
export interface NamespaceSelection {
  namespace: string;
  basis: 'name-label' | 'name-label-assumed' | 'observed-labels' | 'unselectable';
  selector?: LabelSelector;
  /** `cluster` when its labels came from a cluster inventory (the authority) rather than flows. */
  labelsFrom?: 'cluster';
}

/**
 * What generate learned about one workload from a cluster inventory (live or `--inventory`):
 * `owner-selector` its policy and its peers select it by its owner's selector; `no-pod`,
 * `no-owner`, `several-owners`, `owner-selector-unsuitable` (empty, or naming a label that changes
 * per rollout or run) and `owner-selector-too-broad` say why the flows-derived selector was kept;
 * `host-network` its pods use the node's network (no policy is generated for it); `name-taken`
 * the cluster already has a policy of the generated policy's namespace/name that flowpol does
 * not manage.
 */
export const INVENTORY_NOTE_CODES = [
  'owner-selector', 'no-pod', 'no-owner', 'several-owners', 'owner-selector-unsuitable', 'owner-selector-too-broad', 'host-network',
  'name-taken',
] as const;
export type InventoryNoteCode = (typeof INVENTORY_NOTE_CODES)[number];

export interface InventoryNote {
  code: InventoryNoteCode;
  /** The workload (a learned identity, or a host-network pod's stable labels when no flow showed it). */
  identity: Identity;
  /** `namespace/name` of the inventory pods concerned, sorted. */
  pods: string[];
  /** One line, for humans. */
  message: string;
}

/** The inventory's part in a PolicySet (absent offline). */
export interface InventoryUse {
  /** Which mode was used, as the CLI printed it (`cluster mode: live, ...` / `snapshot, ...`). */
  mode: string;
  /** Sorted by identity key, then code. */
  notes: InventoryNote[];
}

/** Everything `generate` decided: policies (sorted by namespace, name) and what it left out. */
export interface PolicySet {
  policies: GeneratedPolicy[];
  notes: EdgeNote[];
  namespaces: NamespaceSelection[];
  /** Present when an inventory was used (live cluster or snapshot). */
  inventory?: InventoryUse;
}

// ---------------------------------------------------------------------------------------------
// BreakageReport: what a set of policies would do to the observed traffic (src/report/)
// ---------------------------------------------------------------------------------------------

/**
 * What the report says about one edge, in report order (the worst first):
 * `breaks` works today (Hubble saw it pass) and the policies deny it; `dropped` Hubble only ever
 * saw it DROPPED (broken today, whatever the policies say); `not-governed` NetworkPolicy cannot
 * decide it (a reserved entity, ICMP, an external with no address, no pod at either end);
 * `allowed` the policies allow it.
 */
export const EDGE_STATUSES = ['breaks', 'dropped', 'not-governed', 'allowed'] as const;
export type EdgeStatus = (typeof EDGE_STATUSES)[number];

/** Where a policy of the report came from: `--existing`, `--proposed`, or the simulated `--default-deny`. */
export const POLICY_PROVENANCES = ['existing', 'proposed', 'default-deny'] as const;
export type PolicyProvenance = (typeof POLICY_PROVENANCES)[number];

export interface ReportPolicy { ref: PolicyRef; provenance: PolicyProvenance }

/** What the world built from flows did not know for a verdict, said instead of guessed. */
export type WorldGap =
  /** A namespaceSelector looked at namespaces whose labels no flow carried (only their name label was assumed). */
  | { kind: 'namespace-labels-unknown'; namespaces: string[] }
  /** Isolating policies name container ports, which flows do not carry: those ports matched nothing. */
  | { kind: 'named-ports-unresolved'; policies: PolicyRef[] }
  /** The external is known only as a prefix (a `cidr:` identity); evaluated at its first address. */
  | { kind: 'address-is-prefix'; cidr: string; evaluatedAt: string }
  /**
   * By a cluster inventory, a workload's pods differ in labels or container ports the policies
   * select on, and its pairs of pods are not all decided alike: the verdict is the first denied
   * pair's, whose pods are named at each end that differs; `allowed` of the `pairs` keep working.
   */
  | { kind: 'pods-differ'; source?: string[]; destination?: string[]; allowed: number; pairs: number }
  /**
   * The other end is no pod and has no address flowpol knows (`code`: a remote node, the
   * kube-apiserver, an external known only by name or never recorded): NetworkPolicy cannot name it
   * but the pod end's isolation still applies, and no rule that could admit it has the port.
   */
  | { kind: 'peer-unaddressed'; peer: string; code: EdgeNoteCode }
  /**
   * An end no podSelector can name alone (`code`: no stable labels, a label or namespace name
   * Kubernetes refuses): flowpol generate writes no rule or policy for it, so a denial of its
   * traffic under generated policies is expected, not an oversight.
   */
  | { kind: 'peer-unselectable'; peer: string; code: EdgeNoteCode };

/**
 * A rule that almost admitted a denied connection, and what that rule does admit (for humans).
 * For a peer miss on a rule with a namespaceSelector: the other end's namespace with the labels
 * flows showed it carrying (absent when they were never seen: see WorldGap).
 */
export interface ClosestRule { miss: NearMiss; admits: string; peerNamespace?: Namespace }

/** Why an evaluated edge is denied: per denying side, the closest rule; and what the world lacked. */
export interface DenialDetail { closest: Partial<Record<PolicyDirection, ClosestRule>>; gaps: WorldGap[] }

export type ReportEdge =
  | {
      status: 'allowed' | 'breaks' | 'dropped';
      edge: Edge;
      decision: Verdict['decision'];
      /** The engine's verdict; always there for a deny, absent for an allow the report was not asked to explain. */
      verdict?: Verdict;
      detail?: DenialDetail;
    }
  | {
      status: 'not-governed';
      edge: Edge;
      /** Why (EDGE_NOTE_TEXT words it): `not-governed-*`, `not-expressible-world-without-ip`, `not-expressible-fqdn`, `not-expressible-port`. */
      code: EdgeNoteCode;
      /** The pod ends isolated on their side (source egress, destination ingress), with the policies isolating them. */
      isolation: { direction: PolicyDirection; isolatedBy: PolicyRef[] }[];
    };

export interface StatusTotals { edges: number; flows: number }
export type ReportTotals = Record<EdgeStatus, StatusTotals>;

/**
 * One workload's edges. An edge is listed once: under the destination when only its ingress
 * side denies it or its source is not a pod, else under the source.
 */
export interface WorkloadReport {
  namespace: string;
  /** The identity key (`ns/app=web`), or undefined for edges with no pod at either end. */
  workload?: string;
  totals: ReportTotals;
  /** Breaks first, then dropped, not governed, allowed; each by flows, most first. */
  edges: ReportEdge[];
}

export interface NamespaceReport { namespace: string; totals: ReportTotals; workloads: WorkloadReport[] }

export type CoverageWarning =
  | { kind: 'short-window'; first: number; last: number }
  | { kind: 'lost-events'; lost: number }
  | { kind: 'no-traffic' };

/**
 * A workload (or an unowned pod) of the cluster inventory with no observed traffic in the window
 * that the evaluated policies isolate: nothing was seen to break, but whatever it does at runtime
 * (cron jobs, failover) is denied on the isolated sides unless a policy admits it.
 */
export interface SilentWorkload {
  namespace: string;
  /** The workload owner (`CronJob/backup`), or the pod itself (`Pod/debug`) when it has none. */
  owner: ObjectRef;
  /** Its pods' names, sorted. */
  pods: string[];
  /** The isolated sides (ingress first), each with the policies isolating them (sorted). */
  isolation: { direction: PolicyDirection; isolatedBy: PolicyRef[] }[];
}

/** Where the report's cluster knowledge came from (absent offline: flows only). */
export interface ReportCluster {
  mode: 'live' | 'snapshot';
  /** The mode line without `cluster mode: `, e.g. `snapshot, inventory read from snapshot.yaml`. */
  description: string;
  /** Where the cluster's NetworkPolicies went: the existing policies, or replaced by `--existing`. */
  policies: 'existing' | 'replaced-by-existing-flag';
}

export interface BreakageReport {
  /** Connected (live cluster or snapshot) reports only: the cluster mode. */
  cluster?: ReportCluster;
  /** Connected reports only: inventory workloads silent in the window that the policies isolate, sorted by namespace, kind, name. */
  silent?: SilentWorkload[];
  /** First and last observation the report covers, when any. */
  window?: { first: number; last: number };
  /** Every policy evaluated, sorted by ref. */
  policies: ReportPolicy[];
  /**
   * Namespaces the simulated default-deny covers, and its direction. `unknown` (present when not
   * empty, sorted): named namespaces no evaluated flow, no flow's namespace labels and no cluster
   * inventory show (a typo, most likely), whose default-deny simulates nothing. `unnamable`
   * (likewise): namespaces of the world that `all` leaves out because Kubernetes refuses their
   * names (only a recording can hold them).
   */
  defaultDeny: { namespaces: string[]; direction: GenerateDirection; unknown?: string[]; unnamable?: string[] };
  totals: ReportTotals;
  coverage: CoverageWarning[];
  /** Namespaces with breaks first, by broken flows; edges with no pod end last. */
  namespaces: NamespaceReport[];
}
