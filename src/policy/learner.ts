// Reads learned edges from both ends: a workload source gets an egress rule to the destination,
// a workload destination an ingress rule from the source (when `--direction` asks for that side
// and the workload's namespace is a target). A peer NetworkPolicy cannot govern or express
// becomes an EdgeNote on the workloads concerned, never a broader rule. A host-network workload
// (from the inventory) is never a target: NetworkPolicy does not apply to it.
import { identityKey } from '../identity/identity.js';
import type { Edge, EdgeNote, EdgeNoteCode, GenerateDirection, Identity, Peer, PolicyProtocol } from '../model.js';
import { droppedToday, makeNote } from './edge-notes.js';
import type { HostNetwork, PeerTranslator } from './peers-to-k8s.js';
import { RuleBuilder, Traffic } from './rule-builder.js';

export type WorkloadPeer = Extract<Peer, { kind: 'workload' }>;

/** One canonical peer object per workload identity, so translations are cached by reference. */
export class Workloads {
  private readonly byKey = new Map<string, WorkloadPeer>();
  private readonly keys = new WeakMap<Identity, string>();
  /** Inputs often share peer objects: skip computing their key again. */
  private readonly seen = new WeakMap<Peer, WorkloadPeer>();

  intern(peer: Peer): WorkloadPeer | undefined {
    if (peer.kind !== 'workload') return undefined;
    let found = this.seen.get(peer);
    if (found !== undefined) return found;
    const key = identityKey(peer.identity);
    found = this.byKey.get(key);
    if (found === undefined) {
      found = peer;
      this.byKey.set(key, found);
      this.keys.set(found.identity, key);
    }
    this.seen.set(peer, found);
    return found;
  }

  key(identity: Identity): string {
    return this.keys.get(identity) ?? identityKey(identity);
  }

  identities(): Identity[] {
    return [...this.byKey.values()].map((p) => p.identity);
  }
}

/** A workload that gets a policy. */
export interface Target { identity: Identity; ingress: RuleBuilder; egress: RuleBuilder; traffic: Traffic }


function protocolNoteCode(edge: Edge): EdgeNoteCode | undefined {
  if (edge.protocol === 'ICMPv4' || edge.protocol === 'ICMPv6') return 'not-governed-icmp';
  if (!Number.isInteger(edge.port) || edge.port < 1 || edge.port > 65_535) return 'not-expressible-port';
  return undefined;
}

export class EdgeLearner {
  readonly targets = new Map<Identity, Target>();
  readonly notes: EdgeNote[] = [];
  private readonly egress: boolean;
  private readonly ingress: boolean;
  private readonly scope: ReadonlySet<string> | undefined;
  /** Notes of the edge being learned, merged per code. */
  private pending: { code: EdgeNoteCode; workloads: Identity[]; details: string[] }[] = [];

  constructor(
    private readonly workloads: Workloads, private readonly translator: PeerTranslator, direction: GenerateDirection,
    namespaces: readonly string[], private readonly hostNetwork?: HostNetwork,
  ) {
    this.egress = direction !== 'ingress';
    this.ingress = direction !== 'egress';
    this.scope = namespaces.length > 0 ? new Set(namespaces) : undefined;
  }

  /** Learn one edge; `src`/`dst` are its interned workload ends; `leftOut` says why it is ignored. */
  learn(edge: Edge, src: WorkloadPeer | undefined, dst: WorkloadPeer | undefined, leftOut: EdgeNoteCode | undefined): void {
    const hs = src !== undefined && this.hostNetwork?.isHostNetwork(src.identity) === true;
    const hd = dst !== undefined && this.hostNetwork?.isHostNetwork(dst.identity) === true;
    // A host-network end in scope, on a side the policies would restrict: said, never dropped.
    if ((hs && this.egress && this.inScope(src)) || (hd && this.ingress && this.inScope(dst))) this.note('not-governed-host-network', []);
    const s = src !== undefined && !hs && this.inScope(src) ? src : undefined;
    const d = dst !== undefined && !hd && this.inScope(dst) ? dst : undefined;
    if (s === undefined && d === undefined) {
      if (src === undefined && dst === undefined && this.scope === undefined) this.note('not-governed-no-pod', []);
      return this.flush(edge); // otherwise outside the requested scope: not ours to report
    }
    if (leftOut !== undefined) {
      this.note(leftOut, [s, d]);
      return this.flush(edge);
    }
    // An end no selector can name (no labels, or one Kubernetes refuses) gets no rule, and is no peer.
    const su = src === undefined ? undefined : this.translator.unselectable(src.identity);
    const du = dst === undefined ? undefined : this.translator.unselectable(dst.identity);
    const sl = su === undefined ? s : undefined;
    const dl = du === undefined ? d : undefined;
    for (const u of [su, du]) if (u !== undefined) this.note(u.code, [sl, dl], u.detail);
    if (sl !== undefined) this.target(sl).traffic.add(edge);
    if (dl !== undefined) this.target(dl).traffic.add(edge);
    const code = protocolNoteCode(edge);
    if (code !== undefined) {
      this.note(code, [sl, dl]);
      return this.flush(edge);
    }
    const ruled: WorkloadPeer[] = [];
    if (sl !== undefined && this.egress && du === undefined) {
      if (this.side(edge, sl, dst ?? edge.destination, 'egress')) ruled.push(sl);
    }
    if (dl !== undefined && this.ingress && su === undefined) {
      if (this.side(edge, dl, src ?? edge.source, 'ingress')) ruled.push(dl);
    }
    if (ruled.length > 0 && droppedToday(edge)) this.note('allowed-despite-drops', ruled);
    this.flush(edge);
  }

  target(p: WorkloadPeer): Target {
    let target = this.targets.get(p.identity);
    if (target === undefined) {
      target = { identity: p.identity, ingress: new RuleBuilder(), egress: new RuleBuilder(), traffic: new Traffic() };
      this.targets.set(p.identity, target);
    }
    return target;
  }

  private side(edge: Edge, self: WorkloadPeer, other: Peer, direction: 'ingress' | 'egress'): boolean {
    const t = this.translator.translate(other, self.identity.namespace);
    if (!t.ok) {
      this.note(t.code, [self]);
      return false;
    }
    const names = direction === 'egress' && other.kind === 'cidr' ? edge.destinationNames : [];
    this.target(self)[direction].observe(t.peer, edge.protocol as PolicyProtocol, edge.port, edge, names);
    return true;
  }

  private inScope(p: WorkloadPeer | undefined): boolean {
    return p !== undefined && (this.scope === undefined || this.scope.has(p.identity.namespace));
  }

  private note(code: EdgeNoteCode, ends: readonly (WorkloadPeer | undefined)[], detail?: string): void {
    let entry = this.pending.find((n) => n.code === code);
    if (entry === undefined) this.pending.push((entry = { code, workloads: [], details: [] }));
    for (const end of ends) if (end !== undefined && !entry.workloads.includes(end.identity)) entry.workloads.push(end.identity);
    if (detail !== undefined && !entry.details.includes(detail)) entry.details.push(detail);
  }

  private flush(edge: Edge): void {
    if (this.pending.length === 0) return;
    for (const { code, workloads, details } of this.pending) {
      const sorted = workloads.length < 2 ? workloads : workloads.sort((a, b) => (this.workloads.key(a) < this.workloads.key(b) ? -1 : 1));
      this.notes.push(makeNote(code, edge, sorted, details.sort()));
    }
    this.pending = [];
  }
}
