// What the HTML page shows, independent of how the breakage report is computed: groups
// (namespaces, the world, reserved entities), nodes in them, and edges with the report's status.
// `from-breakage.ts` builds it from a BreakageReport; layout, SVG and page only read it.
import type { EdgeStatus } from '../../model.js';

/** The report's edge statuses (worst first) and their words, shared with the other renderers. */
export { EDGE_STATUSES as VERDICT_CLASSES } from '../../model.js';
export { STATUS_LABEL as VERDICT_LABELS } from '../reasons.js';
export type VerdictClass = EdgeStatus;

/** Where a node sits: a namespace's workloads, externals (by CIDR or DNS name), reserved entities. */
export type GroupKind = 'namespace' | 'world' | 'reserved';

export interface HtmlGroup { id: string; kind: GroupKind; label: string }

export type NodeKind = 'workload' | 'external' | 'reserved';

export interface HtmlNode {
  /** Unique and stable (flowpol's peer key). */
  id: string;
  kind: NodeKind;
  /** Id of the group it is drawn in. */
  group: string;
  /** Short text on the node: `app=web`, `api.github.com`, `10.0.0.0/8`, `host`. */
  label: string;
  /** Full description shown on hover and in the details panel. */
  title: string;
}

export interface HtmlEdge {
  /** Node ids. */
  source: string;
  target: string;
  /** `TCP/443`, `ICMPv4 type 8`. */
  port: string;
  count: number;
  /** Milliseconds since the epoch. */
  firstSeen: number;
  lastSeen: number;
  verdict: VerdictClass;
  /** One line: why this verdict (side, policies, near misses, why not governed). */
  reason: string;
}

export interface HtmlSummaryRow {
  label: string;
  /** The verdict class the row counts, for colouring; absent for totals. */
  verdict?: VerdictClass;
  edges: number;
  flows: number;
}

export interface HtmlReport {
  title: string;
  /** Lines under the title: window, inputs. */
  subtitle: string[];
  summary: HtmlSummaryRow[];
  warnings: string[];
  /** Footer lines (e.g. flowpol's ipBlock choice). */
  notes: string[];
  groups: HtmlGroup[];
  nodes: HtmlNode[];
  edges: HtmlEdge[];
  /**
   * Policy YAML per workload node id, when the report evaluated proposed or generated policies;
   * undefined when it had none at all (the page then says so for every workload).
   */
  policies?: Readonly<Record<string, string>>;
}
