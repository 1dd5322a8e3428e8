// The report's edges without holding them (`allowedEdges: 'stream'`, what `-o json` uses): the
// first pass keeps, per edge, only its position in the input, its status and its flows under its
// workload (the totals and the workloads' order need all of them); the renderer then asks for
// each workload's edges in report order and every edge is built and assessed again, one at a time.
// Memory: a few bytes per edge and the world's per-workload caches, never a million verdicts.
import { InternalError } from '../errors.js';
import type { Edge, EdgeStatus, ReportEdge, WorkloadReport } from '../model.js';
import type { Assessor, EdgeSink } from './assess.js';
import { Grouper, RANK } from './group.js';
import type { Owner } from './world-from-edges.js';

/** Edges read by position as well as in order (an array, or the store's EdgeSelection). */
export interface EdgeList extends Iterable<Edge> {
  readonly length: number;
  at(index: number): Edge | undefined;
}

/** Groups the first pass by position: the Assessor hands it every edge once, in input order. */
export class PositionGrouper extends Grouper {
  private next = 0;
  private readonly rank: Uint8Array;
  private readonly flows: Float64Array;
  private readonly positions = new Map<WorkloadReport, number[]>();

  constructor(size: number) {
    super();
    this.rank = new Uint8Array(size);
    this.flows = new Float64Array(size);
  }

  override add(entry: ReportEdge, owner: Owner | undefined): void {
    this.keep(entry.status, entry.edge.count, owner);
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

  private keep(status: EdgeStatus, flows: number, owner: Owner | undefined): void {
    const w = this.tally(status, flows, owner);
    const at = this.next++;
    this.rank[at] = RANK[status];
    this.flows[at] = flows;
    let list = this.positions.get(w);
    if (list === undefined) this.positions.set(w, (list = []));
    list.push(at);
  }
}

/** A workload's edges in report order, each assessed again (with every edge kept) as it is read. */
export function* streamEdges(w: WorkloadReport, edges: EdgeList, groups: PositionGrouper, assessor: Assessor): Generator<ReportEdge> {
  const sink = new OneEdge();
  for (const position of groups.ordered(w)) {
    const edge = edges.at(position);
    if (edge === undefined) throw new InternalError(`report edge ${position} is gone on the second pass`);
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
