// The report's edges without holding them (`allowedEdges: 'stream'`, what `-o json` uses): the
// first pass keeps, per edge, only its position in the input, its status and its flows under its
// workload (the totals and the workloads' order need all of them) and, when its verdict is made of
// shared sides only (an allow with nothing the world lacked), those sides' numbers; the renderer then
// asks for each workload's edges in report order: each is built again from the store and either
// takes its kept sides or, for the rest (denials, gaps, not governed), is assessed again.
// Memory: a few bytes per edge, the shared sides and the world's per-workload caches, never a
// million verdicts.
import { InternalError } from '../errors.js';
import { EDGE_STATUSES, type Edge, type EdgeStatus, type ReportEdge, type SideVerdict, type WorkloadReport } from '../model.js';
import type { Assessor, EdgeSink } from './assess.js';
import { Grouper, RANK } from './group.js';
import type { Owner } from './world-from-edges.js';

/** Edges read by position as well as in order (an array, or the store's EdgeSelection). */
export interface EdgeList extends Iterable<Edge> {
  readonly length: number;
  at(index: number): Edge | undefined;
}

/** Kept sides are numbered from here: 0 = assess again, 1 = an allow with no verdict (explain: 'denied'). */
const FIRST_SIDE = 2;
/** Distinct sides numbered at most (beyond, edges are assessed again: sides stopped being shared). */
const MAX_SIDES = 1 << 16;

/** Groups the first pass by position: the Assessor hands it every edge once, in input order. */
export class PositionGrouper extends Grouper {
  private next = 0;
  private readonly rank: Uint8Array;
  private readonly flows: Float64Array;
  /** Per position, the egress and ingress side numbers (see FIRST_SIDE). */
  private readonly sideOf: Uint32Array;
  private readonly sideNumbers = new Map<SideVerdict, number>();
  private readonly sides: SideVerdict[] = [];
  private readonly positions = new Map<WorkloadReport, number[]>();

  constructor(size: number) {
    super();
    this.rank = new Uint8Array(size);
    this.flows = new Float64Array(size);
    this.sideOf = new Uint32Array(size * 2);
  }

  override add(entry: ReportEdge, owner: Owner | undefined): void {
    const at = this.keep(entry.status, entry.edge.count, owner);
    if (entry.status === 'not-governed' || entry.decision !== 'allow' || entry.detail !== undefined) return;
    const { verdict } = entry;
    if (verdict === undefined) {
      this.sideOf[at * 2] = 1;
      return;
    }
    const egress = this.number(verdict.egress);
    const ingress = this.number(verdict.ingress);
    if (egress === 0 || ingress === 0) return;
    this.sideOf[at * 2] = egress;
    this.sideOf[at * 2 + 1] = ingress;
  }

  override countAllowed(flows: number, owner: Owner | undefined): void {
    this.keep('allowed', flows, owner);
  }

  /** The workload's edge positions in report order: breaks first, then by flows, ties in input order (as Grouper sorts). */
  ordered(w: WorkloadReport): number[] {
    const { rank, flows } = this;
    const list = this.positions.get(w) ?? [];
    return list.sort((a, b) => (rank[a] as number) - (rank[b] as number) || (flows[b] as number) - (flows[a] as number) || a - b);
  }

  /** The workload an edge of this owner is listed under. */
  workloadOf(owner: Owner | undefined): WorkloadReport {
    return this.group(owner);
  }

  /** The edge at this position rebuilt from what the first pass kept, or undefined when it must be assessed again. */
  rebuilt(position: number, edge: Edge): ReportEdge | undefined {
    const egress = this.sideOf[position * 2] as number;
    if (egress === 0) return undefined;
    const status = EDGE_STATUSES[this.rank[position] as number] as Exclude<EdgeStatus, 'not-governed'>;
    // Made as the Assessor makes its entries (one object shape for the renderer).
    const entry: Extract<ReportEdge, { decision: unknown }> = { status, edge, decision: 'allow' };
    if (egress === 1) return entry;
    const ingress = this.sideOf[position * 2 + 1] as number;
    entry.verdict = { decision: 'allow', egress: this.sides[egress - FIRST_SIDE] as SideVerdict, ingress: this.sides[ingress - FIRST_SIDE] as SideVerdict };
    return entry;
  }

  /** A side's number, 0 once too many distinct sides were numbered. */
  private number(side: SideVerdict): number {
    let n = this.sideNumbers.get(side);
    if (n === undefined) {
      if (this.sides.length >= MAX_SIDES) return 0;
      n = this.sides.push(side) - 1 + FIRST_SIDE;
      this.sideNumbers.set(side, n);
    }
    return n;
  }

  private keep(status: EdgeStatus, flows: number, owner: Owner | undefined): number {
    const w = this.tally(status, flows, owner);
    const at = this.next++;
    this.rank[at] = RANK[status];
    this.flows[at] = flows;
    let list = this.positions.get(w);
    if (list === undefined) this.positions.set(w, (list = []));
    list.push(at);
    return at;
  }
}

/** A workload's edges in report order, each rebuilt from the first pass's sides or assessed again (with every edge kept) as it is read. */
export function* streamEdges(w: WorkloadReport, edges: EdgeList, groups: PositionGrouper, assessor: Assessor): Generator<ReportEdge> {
  const sink = new OneEdge();
  for (const position of groups.ordered(w)) {
    const edge = edges.at(position);
    if (edge === undefined) throw new InternalError(`report edge ${position} is gone on the second pass`);
    const rebuilt = groups.rebuilt(position, edge);
    if (rebuilt !== undefined) {
      yield rebuilt;
      continue;
    }
    assessor.edge(edge, sink);
    const { entry, owner } = sink.take();
    if (groups.workloadOf(owner) !== w) throw new InternalError(`report edge ${position} changed workload on the second pass`);
    yield entry;
  }
}

/** Receives the one edge an Assessor call produces. */
class OneEdge implements EdgeSink {
  private entry: ReportEdge | undefined;
  private owner: Owner | undefined;

  add(entry: ReportEdge, owner: Owner | undefined): void {
    this.entry = entry;
    this.owner = owner;
  }

  countAllowed(): void {
    throw new InternalError('the streaming pass keeps every edge');
  }

  take(): { entry: ReportEdge; owner: Owner | undefined } {
    const { entry, owner } = this;
    if (entry === undefined) throw new InternalError('the assessor produced no edge');
    this.entry = undefined;
    return { entry, owner };
  }
}
