// What the graph draws: one link per (source, target, verdict class), carrying the report edges
// it stands for; and the same between groups for the collapsed (one node per namespace) view.
import type { HtmlReport, VerdictClass } from './view-model.js';
import { VERDICT_CLASSES } from './view-model.js';
import { compareText } from '../../order.js';

export interface Link {
  source: string;
  target: string;
  verdict: VerdictClass;
  /** Flows behind the link (sum of its edges' counts). */
  count: number;
  /** Indexes into `HtmlReport.edges`, in report order. */
  edges: number[];
}

export interface GraphLinks {
  /** Node to node. */
  nodes: Link[];
  /** Group to group (different groups only; traffic inside a group shows in the full view). */
  groups: Link[];
}

export function buildLinks(report: HtmlReport): GraphLinks {
  const groupOf = new Map(report.nodes.map((n) => [n.id, n.group]));
  const nodes = new Map<string, Link>();
  const groups = new Map<string, Link>();
  report.edges.forEach((edge, index) => {
    add(nodes, edge.source, edge.target, edge.verdict, edge.count, index);
    const from = groupOf.get(edge.source);
    const to = groupOf.get(edge.target);
    if (from !== undefined && to !== undefined && from !== to) add(groups, from, to, edge.verdict, edge.count, index);
  });
  return { nodes: sorted(nodes), groups: sorted(groups) };
}

function add(into: Map<string, Link>, source: string, target: string, verdict: VerdictClass, count: number, index: number): void {
  const key = `${source}\u0000${target}\u0000${verdict}`;
  const link = into.get(key);
  if (link === undefined) {
    into.set(key, { source, target, verdict, count, edges: [index] });
  } else {
    link.count += count;
    link.edges.push(index);
  }
}

/** Quiet verdicts first, so the ones that matter are drawn on top. */
function sorted(links: Map<string, Link>): Link[] {
  const rank = (v: VerdictClass): number => -VERDICT_CLASSES.indexOf(v);
  return [...links.values()].sort((a, b) =>
    rank(a.verdict) - rank(b.verdict) || compareText(a.source, b.source) || compareText(a.target, b.target));
}

/** Distinct (source, target) pairs of different ends: what the layout needs to know. */
export function distinctPairs(links: readonly Link[]): Array<[string, string]> {
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  for (const l of links) {
    if (l.source === l.target) continue;
    const key = `${l.source}\u0000${l.target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([l.source, l.target]);
  }
  return out;
}
