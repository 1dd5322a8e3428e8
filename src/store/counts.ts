// What an ingest counted, per unit and per run. Stored on each unit row at every flush, so the
// database always says how much of a unit its committed rows represent.

export interface IngestCounts {
  /** Flow events read (lost/node-status/other events are counted apart). */
  flowsRead: number;
  /** Flows that matched the filter and became an edge observation. */
  flowsKept: number;
  /** Flows outside --since/--until or the selected namespaces. */
  filteredOut: number;
  /** Flows that matched the filter but were folded into another observation, by reason. */
  folded: Record<string, number>;
  /** Invalid records skipped with --skip-invalid. */
  invalidSkipped: number;
  /** Sum of num_events_lost over lost-event records: flows Hubble never delivered. */
  lostEvents: number;
  nodeStatus: number;
  otherEvents: number;
  /** Raw bytes consumed (compressed bytes for .gz). */
  bytesRead: number;
  /** Time window of the flows that matched the filter (epoch ms). */
  firstFlow?: number;
  lastFlow?: number;
}

export function emptyCounts(): IngestCounts {
  return { flowsRead: 0, flowsKept: 0, filteredOut: 0, folded: {}, invalidSkipped: 0, lostEvents: 0, nodeStatus: 0, otherEvents: 0, bytesRead: 0 };
}

/** Add `b` into `a` (in place) and return `a`. */
export function addCounts(a: IngestCounts, b: IngestCounts): IngestCounts {
  a.flowsRead += b.flowsRead;
  a.flowsKept += b.flowsKept;
  a.filteredOut += b.filteredOut;
  for (const [reason, n] of Object.entries(b.folded)) a.folded[reason] = (a.folded[reason] ?? 0) + n;
  a.invalidSkipped += b.invalidSkipped;
  a.lostEvents += b.lostEvents;
  a.nodeStatus += b.nodeStatus;
  a.otherEvents += b.otherEvents;
  a.bytesRead += b.bytesRead;
  if (b.firstFlow !== undefined && (a.firstFlow === undefined || b.firstFlow < a.firstFlow)) a.firstFlow = b.firstFlow;
  if (b.lastFlow !== undefined && (a.lastFlow === undefined || b.lastFlow > a.lastFlow)) a.lastFlow = b.lastFlow;
  return a;
}

/** Total of the folded counts. */
export function foldedTotal(c: IngestCounts): number {
  let n = 0;
  for (const v of Object.values(c.folded)) n += v;
  return n;
}
