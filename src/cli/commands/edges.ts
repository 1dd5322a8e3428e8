// `flowpol edges`: the learned graph, as a table or JSON. Sorted by the store; rendered here.
import { peerKey } from '../../identity/peer.js';
import type { Edge, Peer } from '../../model.js';
import { OBSERVED_VERDICTS } from '../../model.js';
import { openDatabase } from '../../store/database.js';
import type { Database } from '../../store/database.js';
import { loadEdges } from '../../store/edges.js';
import { loadIngestTotals } from '../../store/summary.js';
import type { Register } from './index.js';
import { alignedTable } from '../table.js';
import { addDbOption, addNamespaceOptions, addOutputOption, addTimeWindowOptions, resolveNamespaces, resolveTimeWindow } from '../options.js';
import type { DbOptions, NamespaceOptions, TimeWindowOptions } from '../options.js';
import { sortedRecord } from '../../order.js';

const FORMATS = ['table', 'json'] as const;
type Format = (typeof FORMATS)[number];

interface EdgesFlags extends DbOptions, NamespaceOptions, TimeWindowOptions { output: Format }

export const registerEdges: Register = (command) => {
  const cmd = command('edges').description('List the learned edges: source → destination protocol/port, with counts, observed verdicts and times.');
  addDbOption(cmd, 'to read');
  addOutputOption(cmd, FORMATS, 'table');
  addNamespaceOptions(cmd, 'edges');
  addTimeWindowOptions(cmd, 'edges seen');
  cmd
    .addHelpText(
      'after',
      `
Examples:
  flowpol edges                                   # table from ./flowpol.db
  flowpol edges --db prod.db -o json              # JSON for scripts
  flowpol edges -n shop -n payments               # edges with an end in shop or payments
  flowpol edges --all-namespaces                  # every namespace (the default)
  flowpol edges --since 2024-05-01T08:00:00Z --until 2024-05-01T18:00:00Z
  flowpol edges --since 24h                       # the last day

--since/--until select whole clock hours: counts are kept per edge per hour, so an hour that
overlaps the window counts in full. A count is the request flows after folding (replies and
repeats of a connection are not counted again); a connection still open in a later hour is
counted again in that hour, so windows see long-lived connections. Peers are workload
identities (workload:namespace/labels), reserved entities (reserved:world, reserved:host, ...),
cidr:<prefix> or fqdn:<name>.`,
    )
    .action((flags: EdgesFlags) => {
      const window = resolveTimeWindow(flags, Date.now());
      const db = openDatabase(flags.db, { readonly: true });
      try {
        const edges = loadEdges(db, { ...window, namespaces: resolveNamespaces(flags) });
        if (edges.length === 0) process.stderr.write(`flowpol: no edges (${noEdgesHint(db)})\n`);
        process.stdout.write(flags.output === 'json' ? renderJson(edges) : renderTable(edges));
      } finally {
        db.close();
      }
    });
};

/** Stable JSON: peers with sorted labels, ISO times, verdicts in Hubble's enum order. */
export function renderJson(edges: readonly Edge[]): string {
  const out = edges.map((e) => ({
    source: canonicalPeer(e.source), destination: canonicalPeer(e.destination), protocol: e.protocol, port: e.port,
    count: e.count, verdicts: orderedVerdicts(e), firstSeen: iso(e.firstSeen), lastSeen: iso(e.lastSeen), destinationNames: e.destinationNames,
  }));
  return `${JSON.stringify({ edges: out }, null, 2)}\n`;
}

/** Aligned text table, one edge per line under a header; empty for no edges. */
function renderTable(edges: readonly Edge[]): string {
  if (edges.length === 0) return '';
  const header = ['SOURCE', 'DESTINATION', 'PORT', 'COUNT', 'VERDICTS', 'FIRST SEEN', 'LAST SEEN', 'DNS NAMES'];
  const rows = edges.map((e) => [
    peerKey(e.source), peerKey(e.destination), `${e.protocol}/${e.port}`, String(e.count),
    Object.entries(orderedVerdicts(e)).map(([v, n]) => `${v}:${n}`).join(' '),
    isoSeconds(e.firstSeen), isoSeconds(e.lastSeen), e.destinationNames.join(',') || '-',
  ]);
  return alignedTable(header, rows);
}

function orderedVerdicts(e: Edge): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of OBSERVED_VERDICTS) {
    const n = e.verdicts[v];
    if (n !== undefined) out[v] = n;
  }
  return out;
}

function canonicalPeer(p: Peer): Peer {
  if (p.kind !== 'workload') return p;
  const labels = sortedRecord(p.identity.labels);
  return { kind: 'workload', identity: { namespace: p.identity.namespace, labels } };
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function isoSeconds(ms: number): string {
  return `${iso(ms).slice(0, 19)}Z`;
}

/** Why there may be no edge: nothing collected yet, or collected flows that all folded away, or the selection. */
function noEdgesHint(db: Database): string {
  const { counts } = loadIngestTotals(db);
  if (counts.flowsKept > 0) return 'none in the selected window or namespaces: widen --since/--until/-n';
  if (counts.flowsRead > 0 && counts.filteredOut === counts.flowsRead) {
    return `collect's selection (-n, --since/--until, --pod, --verdict...) left out all ${counts.flowsRead} flows it read: collect them again with another selection`;
  }
  if (counts.flowsRead > 0) return `none of the ${counts.flowsRead} flows collected became one: collect's summary says how they folded or were left out (replies, loopback, its selection, ...)`;
  return 'run `flowpol collect` first';
}
