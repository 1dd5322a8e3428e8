// stderr reporting for collect: a live progress line (only on a TTY, at most 4 times a second)
// and the summary at the end (always).
import { addCounts, emptyCounts, foldedTotal } from '../store/counts.js';
import type { IngestCounts } from '../store/counts.js';
import type { IngestSummary } from '../store/summary.js';
import type { CollectResult, UnitOutcome } from '../collect-pipeline.js';
import { compareText } from '../order.js';
import { printable } from '../printable.js';
import { DEFAULT_MAX_CONNECTIONS } from '../identity/edge.js';

type Out = Pick<NodeJS.WriteStream, 'write'> & { isTTY?: boolean };

/** Redraw one status line every 250 ms while `result` fills; returns a stop function. */
export function startProgress(result: CollectResult, totalUnits: number, out: Out = process.stderr): () => void {
  if (out.isTTY !== true) return () => {};
  const started = Date.now();
  const timer = setInterval(() => {
    const total = addCounts(addCounts(emptyCounts(), result.committed), result.current?.counts ?? emptyCounts());
    const seconds = Math.max((Date.now() - started) / 1000, 0.001);
    const file = result.current === undefined ? '' : ` ${result.current.name}`;
    const line = `reading ${result.units.length + 1}/${totalUnits}${file}: ${total.flowsRead} flows, ` +
      `${Math.round(total.flowsRead / seconds)} flows/s, ${mib(total.bytesRead)} MiB`;
    out.write(`\r\x1b[K${printable(line)}`);
  }, 250);
  timer.unref();
  return () => {
    clearInterval(timer);
    out.write('\r\x1b[K');
  };
}

/**
 * The end-of-collect summary: counts, warnings, and exactly what was committed (file names and
 * reasons escaped, see printable). `notRead`: input files a failed or interrupted run never reached.
 */
export function formatSummary(result: CollectResult, run: IngestSummary | undefined, units: 'files' | 'streams' = 'files', notRead: readonly string[] = []): string {
  const c: IngestCounts = result.committed;
  const lines = [`collect summary (run ${result.runId}, committed units only):`];
  const row = (label: string, value: string | number): number => lines.push(`  ${label.padEnd(16)}${value}`);
  row('flows read', c.flowsRead);
  row('kept', `${c.flowsKept} (request observations that became edges)`);
  row('filtered out', `${c.filteredOut} (--since/--until/-n/--pod/--verdict/--label...)`);
  row('folded', `${foldedTotal(c)}${foldedDetail(c)}`);
  row('invalid skipped', c.invalidSkipped);
  row('lost events', c.lostEvents);
  row('node status', c.nodeStatus);
  if (c.otherEvents > 0) row('other events', `${c.otherEvents} (agent/debug events, ignored)`);
  if (run !== undefined) row('distinct edges', `${run.edges}, between ${run.identities} workload identities`);
  const by = (s: string): string[] => result.units.filter((u) => u.status === s).map((u) => u.name);
  const committed = by('committed');
  if (units === 'streams') row('live streams', `${committed.length} ingested`);
  else row('files', `${committed.length} ingested, ${by('skipped').length} skipped, ${by('rolled-back').length} rolled back${notRead.length > 0 ? `, ${notRead.length} not read` : ''}`);
  if (c.firstFlow !== undefined && c.lastFlow !== undefined) {
    row('flow window', `${new Date(c.firstFlow).toISOString()} .. ${new Date(c.lastFlow).toISOString()}`);
  }
  for (const u of result.units) {
    lines.push(`  ${u.status.padEnd(12)}${u.name}${u.status === 'skipped' ? '' : ` (${u.counts.flowsRead} flows)`}${u.reason === undefined ? '' : `: ${u.reason}`}`);
  }
  for (const name of notRead) lines.push(`  ${'not read'.padEnd(12)}${name}: the run stopped before it`);
  for (const d of result.discarded) {
    lines.push(`  discarded   ${d.name}: partial ingest of interrupted run ${d.runId} (${d.flowsRead} flows staged, never committed)`);
  }
  if (c.lostEvents > 0) {
    const where = run?.lost.map((l) => `${l.lost} ${l.source}${l.node === '' ? '' : ` on ${l.node}`}`).join(', ') ?? '';
    lines.push(`warning: Hubble lost ${c.lostEvents} events${where === '' ? '' : ` (${where})`}; the learned graph may be incomplete`);
  }
  const recounted = recountWarning(result, units);
  if (recounted !== undefined) lines.push(recounted);
  return printable(`${lines.join('\n')}\n`);
}

const RECOUNT_NOTED = 10_000;

/**
 * Committed files that counted connections again which were seen earlier in the run and that the
 * folder had forgotten by then (CollectResult.connections): how many, and the
 * --remember-connections that counts each once (all the run's connections, the recounted ones
 * once, rounded up). Said when they are more than 1 in RECOUNT_NOTED of the connections: below
 * that the counts are as good as exact, and the detector's false alarms (about 1 in 100,000
 * connections) stay quiet. Stdin is never recognised, so --force cannot replace what it added: a
 * new database then. A live stream comes in time order: there it only happens when more
 * connections than are remembered at most (DEFAULT_MAX_CONNECTIONS) come within the folding window.
 */
function recountWarning(result: CollectResult, kind: 'files' | 'streams'): string | undefined {
  const units = result.units.filter((u) => u.status === 'committed' && u.recounted !== undefined);
  const total = recountedIn(units);
  const { started, recounted, complete, remembered } = result.connections;
  if (total === 0 || total * RECOUNT_NOTED <= started) return undefined;
  const what = `${complete ? '' : 'at least '}${total} ${total === 1 ? 'connection' : 'connections'}`;
  if (kind === 'streams') {
    return `warning: ${what} may repeat ones forgotten before their later events came (more connections within 60 s than `
      + `are remembered at most), so they may count twice; a --remember-connections over ${Math.max(DEFAULT_MAX_CONNECTIONS, remembered)} remembers more`;
  }
  const rest = units.slice(3);
  const each = units.slice(0, 3).map((u) => `${u.recounted} in ${u.kind === 'stdin' ? 'stdin' : u.name}`).join(', ')
    + (rest.length === 0 ? '' : ` and ${recountedIn(rest)} in ${rest.length} other files`);
  const enough = Math.ceil((started - recounted) / 1000) * 1000;
  // Stdin anywhere in the run: collected again, it adds to what it added (even when its own counts were fine).
  const again = result.units.some((u) => u.kind === 'stdin' && u.status === 'committed')
    ? `collect the same input into a new database with --remember-connections ${enough} (about 0.4 KB of memory each; stdin is never recognised, so --force cannot replace what it added)`
    : `collect the same files again with --force --remember-connections ${enough} (about 0.4 KB of memory each)`;
  return `warning: ${what} (${each}) may repeat connections seen earlier in this run but forgotten before these came `
    + `(--remember-connections ${remembered}), so they may count twice; to count each once, ${again}`;
}

const recountedIn = (units: readonly UnitOutcome[]): number => units.reduce((n, u) => n + (u.recounted ?? 0), 0);

function foldedDetail(c: IngestCounts): string {
  const parts = Object.entries(c.folded).sort(([a], [b]) => compareText(a, b)).map(([reason, n]) => `${reason} ${n}`);
  return parts.length === 0 ? '' : ` (${parts.join(', ')})`;
}

function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(1);
}
