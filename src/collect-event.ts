// One event of collect's pipeline (collect-pipeline.ts): counted, filtered, folded into an edge
// or absorbed, and aggregated in the unit's batch. Runs once per event read: the hot path.
import type { EdgeFolder } from './identity/edge.js';
import type { Flow, FlowEvent } from './model.js';
import type { IngestBatch } from './store/batch.js';
import type { IngestCounts } from './store/counts.js';

/** One event: count it, filter, fold, aggregate. The hot path: keep it allocation-free. */
export function take(event: FlowEvent, counts: IngestCounts, batch: IngestBatch, folder: EdgeFolder, matches: (flow: Flow) => boolean): void {
  switch (event.kind) {
    case 'flow': {
      const flow = event.flow;
      counts.flowsRead++;
      if (!matches(flow)) {
        counts.filteredOut++;
        return;
      }
      if (counts.firstFlow === undefined || flow.time < counts.firstFlow) counts.firstFlow = flow.time;
      if (counts.lastFlow === undefined || flow.time > counts.lastFlow) counts.lastFlow = flow.time;
      batch.addEndpoint(flow.source, flow.time);
      batch.addEndpoint(flow.destination, flow.time);
      const folded = folder.fold(flow);
      if (folded.kind !== 'folded' && folded.joined !== undefined) {
        // Counts made for what turned out to be one connection are duplicates after all.
        const taken = folded.joined.retracted.length;
        counts.flowsKept -= taken;
        counts.folded.duplicate = (counts.folded.duplicate ?? 0) + taken;
        batch.join(folded.joined);
      }
      if (folded.kind === 'edge') {
        counts.flowsKept++;
        batch.addEdge(folded.edge, folded.count);
        if (folded.moved !== undefined) batch.reclassify(folded.moved);
      } else if (folded.kind === 'folded') {
        counts.folded[folded.reason] = (counts.folded[folded.reason] ?? 0) + 1;
      } else {
        counts.folded.duplicate = (counts.folded.duplicate ?? 0) + 1;
        if (folded.kind === 'reclassified') batch.reclassify(folded.moved);
        else if (folded.kind === 'widened') batch.widen(folded.count, folded.verdict);
      }
      return;
    }
    case 'lost':
      counts.lostEvents += event.lost.numEventsLost;
      batch.addLost(event.lost);
      return;
    case 'node-status':
      counts.nodeStatus++;
      return;
    case 'other':
      counts.otherEvents++;
      return;
  }
}
