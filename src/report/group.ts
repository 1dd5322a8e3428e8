// Groups assessed edges by namespace and workload, breaks first, ordered by traffic. An edge is
// listed once, under the workload whose side it concerns (see Assessor: the destination when only
// its ingress side denies it or when its source is not a pod; otherwise the source).
import { EDGE_STATUSES, type EdgeStatus, type NamespaceReport, type ReportEdge, type ReportTotals, type WorkloadReport } from '../model.js';
import type { EdgeSink } from './assess.js';
import type { Owner } from './world-from-edges.js';
import { compareText } from '../order.js';

function emptyTotals(): ReportTotals {
  return { breaks: { edges: 0, flows: 0 }, dropped: { edges: 0, flows: 0 }, 'not-governed': { edges: 0, flows: 0 }, allowed: { edges: 0, flows: 0 } };
}

function add(totals: ReportTotals, status: EdgeStatus, flows: number): void {
  const t = totals[status];
  t.edges++;
  t.flows += flows;
}

/** Order of the statuses within a workload's edges: breaks first. */
export const RANK: Readonly<Record<EdgeStatus, number>> = Object.fromEntries(EDGE_STATUSES.map((s, i) => [s, i])) as Record<EdgeStatus, number>;
const flowsOf = (t: ReportTotals): number => EDGE_STATUSES.reduce((sum, s) => sum + t[s].flows, 0);

/** Breaks (by flows, then edges) first, then all traffic, then name; `''` (no pod) last. */
function byImportance<T extends { totals: ReportTotals }>(name: (x: T) => string): (a: T, b: T) => number {
  return (a, b) =>
    Number(name(a) === '') - Number(name(b) === '') ||
    b.totals.breaks.flows - a.totals.breaks.flows ||
    b.totals.breaks.edges - a.totals.breaks.edges ||
    flowsOf(b.totals) - flowsOf(a.totals) ||
    compareText(name(a), name(b));
}

/** Collects assessed edges as they come; `namespaces()` sorts and returns the groups. */
export class Grouper implements EdgeSink {
  readonly totals = emptyTotals();
  private readonly groups = new Map<string, Map<string, WorkloadReport>>();
  /** By Owner object (the world shares one per workload), before the lookup by name. */
  private readonly byOwner = new Map<Owner | undefined, WorkloadReport>();

  add(entry: ReportEdge, owner: Owner | undefined): void {
    this.tally(entry.status, entry.edge.count, owner).edges.push(entry);
  }

  countAllowed(flows: number, owner: Owner | undefined): void {
    this.tally('allowed', flows, owner);
  }

  /** Counts an edge in its workload's and the report's totals; returns the workload. */
  protected tally(status: EdgeStatus, flows: number, owner: Owner | undefined): WorkloadReport {
    const w = this.group(owner);
    add(w.totals, status, flows);
    add(this.totals, status, flows);
    return w;
  }

  /** The workload an owner's edges are listed under (made on first use). */
  protected group(owner: Owner | undefined): WorkloadReport {
    let w = this.byOwner.get(owner);
    if (w !== undefined) return w;
    const ns = owner?.namespace ?? '';
    const key = owner?.workload ?? '';
    let workloads = this.groups.get(ns);
    if (workloads === undefined) this.groups.set(ns, (workloads = new Map()));
    w = workloads.get(key);
    if (w === undefined) {
      w = { namespace: ns, ...(key === '' ? {} : { workload: key }), totals: emptyTotals(), edges: [] };
      workloads.set(key, w);
    }
    this.byOwner.set(owner, w);
    return w;
  }

  namespaces(): NamespaceReport[] {
    const out: NamespaceReport[] = [];
    for (const [namespace, workloads] of this.groups) {
      const list = [...workloads.values()];
      // Stable sort: ties keep the input order (the store's sorted edge order).
      for (const w of list) w.edges.sort((a, b) => RANK[a.status] - RANK[b.status] || b.edge.count - a.edge.count);
      list.sort(byImportance((w) => w.workload ?? ''));
      const totals = emptyTotals();
      for (const w of list) {
        for (const s of EDGE_STATUSES) {
          totals[s].edges += w.totals[s].edges;
          totals[s].flows += w.totals[s].flows;
        }
      }
      out.push({ namespace, totals, workloads: list });
    }
    return out.sort(byImportance((n) => n.namespace));
  }
}
