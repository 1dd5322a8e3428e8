// The policy engine: exact Kubernetes NetworkPolicy semantics, compiled once, evaluated many
// times. The generator proves its policies with it and the breakage report takes every verdict
// from it; there is no second evaluator.
//
// Usage:
//   const engine = new PolicyEngine(policies, namespaces);   // validates; InputError on bad policy
//   engine.evaluate({ source, destination, protocol: 'TCP', port: 8080 })  // → Verdict (why)
//   engine.allows(connection)                                // → boolean (fast path, same rules)
//
// Speed: policies are indexed by namespace; each distinct Subject (by object identity, else by
// namespace + labels + ports) is compiled once into an endpoint that knows which policies isolate
// it and caches every selector result; reuse Subject objects for the fastest path. Subjects are
// treated as immutable: do not change a Subject's labels after passing it in.
//
// flowpol's choices where the API leaves room: an ipBlock matches only externals (endpoints
// outside the cluster, as Cilium does), never pods; a policy without metadata.namespace lives in
// `default`; namespaces always carry `kubernetes.io/metadata.name` as the API server sets it; a
// namespace the world does not know is evaluated with only that label and reported in
// `namespaceLabelsUnknown` wherever a namespaceSelector had to look at it.
import { InputError } from '../errors.js';
import type {
  Connection, ContainerPort, Namespace, NetworkPolicy, NearMiss, PolicyDirection,
  PolicyProtocol, PolicyRef, RuleRef, SideVerdict, Subject, Verdict,
} from '../model.js';
import { compareText } from '../order.js';
import { type CompiledPeer, type CompiledPolicy, type CompiledRule, PolicyCompiler } from './compile-policy.js';
import { cidrContains, parseIp, type IpAddress } from './ip.js';
import { portsMatch } from './ports.js';
import { SelectorTable, type Labels } from './selectors.js';
import { locate, validateNetworkPolicy, type PolicyOrigin, type PolicyWarning } from './validate.js';

/** A policy with where it came from, so errors can name the file and line. */
export interface SourcedPolicy { policy: unknown; origin: PolicyOrigin }
export type PolicyInput = NetworkPolicy | SourcedPolicy;

/** The label the API server puts on every namespace (immutable, since Kubernetes 1.22). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/**
 * A namespace's labels as selectors see them: `kubernetes.io/metadata.name` is the namespace's
 * name, whatever was written (the API server's namespace defaulting sets it on every write).
 */
export function namespaceLabels(name: string, labels: Labels): Labels {
  return { ...labels, [NAMESPACE_NAME_LABEL]: name };
}

interface NamespaceInfo { name: string; labels: Labels; known: boolean; cache: Uint8Array }

/**
 * Per direction: the isolating policies, all their rules in order (for explanations), and the
 * rules that can admit each protocol (the fast path's hot loop).
 */
interface Sides {
  ingress: CompiledPolicy[]; egress: CompiledPolicy[];
  ingressRules: CompiledRule[]; egressRules: CompiledRule[];
  ingressFast: Record<PolicyProtocol, CompiledRule[]>; egressFast: Record<PolicyProtocol, CompiledRule[]>;
}

const byProtocol = (rules: CompiledRule[]): Record<PolicyProtocol, CompiledRule[]> => {
  const admits = (r: CompiledRule, p: PolicyProtocol): boolean => r.ports === undefined || r.ports.some((e) => e.protocol === p);
  return { TCP: rules.filter((r) => admits(r, 'TCP')), UDP: rules.filter((r) => admits(r, 'UDP')), SCTP: rules.filter((r) => admits(r, 'SCTP')) };
};

type Endpoint =
  | ({ kind: 'pod'; ns: NamespaceInfo; labels: Labels; ports: readonly ContainerPort[]; cache: Uint8Array } & Sides)
  /** `cache`: one byte per ipBlock peer (0 unknown, 1 match, 2 no match). */
  | { kind: 'external'; ip: IpAddress; cache: Uint8Array };

export class PolicyEngine {
  /** The policies as validated (namespace filled in), sorted by `namespace/name`. */
  readonly policies: readonly NetworkPolicy[];
  /** What validation accepted but found ambiguous, in input order. */
  readonly warnings: PolicyWarning[] = [];
  private readonly selectors = new SelectorTable();
  private readonly byNamespace = new Map<string, CompiledPolicy[]>();
  private readonly namespaces = new Map<string, NamespaceInfo>();
  private readonly bySubject = new WeakMap<Subject, Endpoint>();
  private readonly byKey = new Map<string, Endpoint>();
  private readonly compiler = new PolicyCompiler(this.selectors);

  constructor(inputs: readonly PolicyInput[], namespaces: readonly Namespace[]) {
    const seen = new Map<string, NetworkPolicy>();
    inputs.forEach((input, i) => {
      const sourced = 'origin' in input && 'policy' in input;
      const origin: PolicyOrigin = sourced ? input.origin : { file: '<policies>', field: `[${i}]` };
      const policy = validateNetworkPolicy(sourced ? input.policy : input, origin, this.warnings);
      const ref = `${policy.metadata.namespace}/${policy.metadata.name}`;
      if (seen.has(ref)) throw new InputError(locate(origin), `policy ${ref}: defined twice (a NetworkPolicy name is unique in its namespace)`, 'E_POLICY');
      seen.set(ref, policy);
    });
    this.policies = [...seen.entries()].sort(([a], [b]) => compareText(a, b)).map(([, p]) => p);
    for (const policy of this.policies) {
      const ns = policy.metadata.namespace as string;
      const list = this.byNamespace.get(ns) ?? [];
      list.push(this.compiler.compile(policy, ns));
      this.byNamespace.set(ns, list);
    }
    for (const ns of namespaces) {
      this.namespaces.set(ns.name, this.namespaceInfo(ns.name, ns.labels, true));
    }
  }

  /** The decision and its reasons. */
  evaluate(c: Connection): Verdict {
    const src = this.endpoint(c.source, 'source');
    const dst = this.endpoint(c.destination, 'destination');
    const dstPorts = dst.kind === 'pod' ? dst.ports : undefined;
    const egress = src.kind === 'pod' ? this.side(src, 'egress', dst, c.protocol, c.port, dstPorts) : EXTERNAL;
    const ingress = dst.kind === 'pod' ? this.side(dst, 'ingress', src, c.protocol, c.port, dstPorts) : EXTERNAL;
    const decision = egress.kind === 'denied' || ingress.kind === 'denied' ? 'deny' : 'allow';
    return { decision, egress, ingress };
  }

  /** Same decision as `evaluate(c).decision === 'allow'`, without building reasons. */
  allows(c: Connection): boolean {
    const src = this.endpoint(c.source, 'source');
    const dst = this.endpoint(c.destination, 'destination');
    const dstPorts = dst.kind === 'pod' ? dst.ports : undefined;
    if (src.kind === 'pod' && src.egress.length > 0 && !this.anyRule(src.egressFast[c.protocol], dst, c.protocol, c.port, dstPorts)) return false;
    return dst.kind !== 'pod' || dst.ingress.length === 0 || this.anyRule(dst.ingressFast[c.protocol], src, c.protocol, c.port, dstPorts);
  }

  /**
   * The side of a pod facing a peer that is no pod and whose address is unknown (another node, the
   * kube-apiserver, an external known only by name): only a rule naming no peers admits it.
   * Undefined when a rule with an ipBlock peer has the port: whether that block covers the peer
   * depends on an address flowpol does not know (and, for nodes, on the CNI).
   */
  unaddressedSide(subject: Subject, direction: PolicyDirection, protocol: PolicyProtocol, port: number): SideVerdict | undefined {
    const self = this.endpoint(subject, 'subject');
    if (self.kind !== 'pod') return EXTERNAL;
    const dstPorts = direction === 'ingress' ? self.ports : undefined;
    const rules = direction === 'ingress' ? self.ingressRules : self.egressRules;
    if (rules.some((rule) => rule.peers?.some((peer) => peer.kind === 'ipBlock') === true && portsMatch(rule.ports, protocol, port, dstPorts))) return undefined;
    return this.side(self, direction, undefined, protocol, port, dstPorts);
  }

  /** The policies that isolate this subject in one direction (empty for externals). */
  isolatedBy(subject: Subject, direction: PolicyDirection): PolicyRef[] {
    const e = this.endpoint(subject, 'subject');
    return e.kind === 'pod' ? e[direction].map((p) => p.ref) : [];
  }

  /** Whether the world told us this namespace's labels. */
  knowsNamespace(name: string): boolean {
    return this.namespaces.get(name)?.known ?? false;
  }

  private namespaceInfo(name: string, labels: Labels, known: boolean): NamespaceInfo {
    return { name, labels: namespaceLabels(name, labels), known, cache: this.selectors.newCache() };
  }

  private endpoint(s: Subject, role: string): Endpoint {
    const cached = this.bySubject.get(s);
    if (cached !== undefined) return cached;
    // As JSON: exact whatever characters labels and port names hold (a join with separators is not).
    const key = s.kind === 'pod'
      ? JSON.stringify([s.namespace, Object.keys(s.labels).sort().map((k) => [k, s.labels[k]]), s.ports.map((p) => [p.name ?? null, p.port, p.protocol])])
      : `ext ${s.ip}`;
    let e = this.byKey.get(key);
    if (e === undefined) {
      e = s.kind === 'pod' ? this.podEndpoint(s) : { kind: 'external', ip: this.externalIp(s.ip, role), cache: new Uint8Array(this.compiler.ipBlocks) };
      this.byKey.set(key, e);
    }
    this.bySubject.set(s, e);
    return e;
  }

  private podEndpoint(s: Extract<Subject, { kind: 'pod' }>): Endpoint {
    let ns = this.namespaces.get(s.namespace);
    if (ns === undefined) {
      ns = this.namespaceInfo(s.namespace, {}, false);
      this.namespaces.set(s.namespace, ns);
    }
    const cache = this.selectors.newCache();
    const selecting = (this.byNamespace.get(s.namespace) ?? []).filter((p) => this.selectors.matches(p.podSelector, s.labels, cache));
    const ingress = selecting.filter((p) => p.ingress !== undefined);
    const egress = selecting.filter((p) => p.egress !== undefined);
    const ingressRules = ingress.flatMap((p) => p.ingress ?? []);
    const egressRules = egress.flatMap((p) => p.egress ?? []);
    return {
      kind: 'pod', ns, labels: s.labels, ports: s.ports, cache, ingress, egress,
      ingressRules, egressRules, ingressFast: byProtocol(ingressRules), egressFast: byProtocol(egressRules),
    };
  }

  private externalIp(text: string, role: string): IpAddress {
    const ip = parseIp(text);
    if (ip === undefined) throw new InputError({ file: '<connection>', field: `${role}.ip` }, `"${text}" is not an IP address`);
    return ip;
  }

  private peerMatches(peer: CompiledPeer, other: Endpoint, unknown: Set<string> | undefined): boolean {
    if (peer.kind === 'ipBlock') {
      if (other.kind !== 'external') return false;
      const hit = other.cache[peer.id];
      if (hit !== 0) return hit === 1;
      const result = cidrContains(peer.cidr, other.ip) && !peer.except.some((e) => cidrContains(e, other.ip));
      other.cache[peer.id] = result ? 1 : 2;
      return result;
    }
    if (other.kind !== 'pod') return false;
    if (peer.nsSel === undefined) {
      if (other.ns.name !== peer.namespace) return false;
    } else {
      if (unknown !== undefined && !other.ns.known && !this.selectors.isEverything(peer.nsSel)) unknown.add(other.ns.name);
      if (!this.selectors.matches(peer.nsSel, other.ns.labels, other.ns.cache)) return false;
    }
    return peer.podSel === undefined || this.selectors.matches(peer.podSel, other.labels, other.cache);
  }

  private peersMatch(rule: CompiledRule, other: Endpoint, unknown?: Set<string>): boolean {
    if (rule.peers === undefined) return true;
    for (const peer of rule.peers) if (this.peerMatches(peer, other, unknown)) return true;
    return false;
  }

  private anyRule(
    rules: readonly CompiledRule[], other: Endpoint, protocol: PolicyProtocol, port: number, dstPorts: readonly ContainerPort[] | undefined,
  ): boolean {
    for (const rule of rules) {
      if (portsMatch(rule.ports, protocol, port, dstPorts) && this.peersMatch(rule, other)) return true;
    }
    return false;
  }

  /** One side's verdict; `other` undefined: a peer with no pod and no address, which only a rule naming no peers admits. */
  private side(
    self: Sides, direction: PolicyDirection, other: Endpoint | undefined,
    protocol: PolicyProtocol, port: number, dstPorts: readonly ContainerPort[] | undefined,
  ): SideVerdict {
    if (self[direction].length === 0) return NOT_ISOLATED;
    const allowedBy: RuleRef[] = [];
    const nearMisses: NearMiss[] = [];
    const unknown = new Set<string>();
    for (const rule of direction === 'ingress' ? self.ingressRules : self.egressRules) {
      const portOk = portsMatch(rule.ports, protocol, port, dstPorts);
      const peerOk = other === undefined ? rule.peers === undefined : this.peersMatch(rule, other, portOk ? unknown : undefined);
      const ref: RuleRef = { policy: rule.policy, direction, rule: rule.index };
      if (portOk && peerOk) allowedBy.push(ref);
      else if (portOk !== peerOk) nearMisses.push({ ...ref, mismatch: portOk ? 'peer' : 'port' });
    }
    const isolatedBy = self[direction].map((p) => p.ref);
    const namespaceLabelsUnknown = [...unknown].sort();
    return allowedBy.length > 0
      ? { kind: 'allowed', isolatedBy, allowedBy, namespaceLabelsUnknown }
      : { kind: 'denied', isolatedBy, nearMisses, namespaceLabelsUnknown };
  }
}

const EXTERNAL: SideVerdict = Object.freeze({ kind: 'not-governed', reason: 'external' });
const LOOPBACK_SIDE: SideVerdict = Object.freeze({ kind: 'not-governed', reason: 'loopback' });
/**
 * A pod's connection to itself: allowed whatever the policies, on both sides. The engine cannot
 * tell it from a connection between two pods with the same labels (the report's world has one
 * subject per workload), so the caller that knows the pods decides (`check`: the same pod).
 */
export const LOOPBACK: Verdict = Object.freeze({ decision: 'allow', egress: LOOPBACK_SIDE, ingress: LOOPBACK_SIDE });
const NOT_ISOLATED: SideVerdict = Object.freeze({ kind: 'not-isolated' });

/** The sides that deny a connection, egress (at the source) first. */
export function deniedSides(v: Verdict): PolicyDirection[] {
  return (['egress', 'ingress'] as const).filter((d) => v[d].kind === 'denied');
}
