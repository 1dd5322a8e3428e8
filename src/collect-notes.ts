// What collect's summary says of a unit beyond its counts: what it replaced, that it held no
// events, and which files of a replaced run stayed as they were.
import type { CollectResult } from './collect-pipeline.js';
import type { IngestCounts } from './store/counts.js';
import type { CommittedUnit, IngestWriter } from './store/ingest.js';

/** What the summary says of a committed unit beyond its counts. */
export function outcomeReason(counts: IngestCounts, replaced: CommittedUnit | undefined, grew: boolean, selection: string, stopped: boolean): { reason?: string } {
  const notes: string[] = [];
  // Only a stream (stdin, live) is committed when a signal stops it: a file is rolled back.
  if (stopped) notes.push('stopped by a signal (Ctrl-C or SIGTERM): what was read until then is committed');
  if (replaced !== undefined) {
    const other = otherSelection(replaced, selection);
    notes.push(`replaces the earlier ingest of ${replaced.name} (run ${replaced.runId})${grew ? ', which it extends: the file grew since' : ''}`);
    if (other !== undefined) notes.push(`that ingest selected ${other}: only what this run selects (${selectionName(selection)}) stays`);
  }
  const events = counts.flowsRead + counts.lostEvents + counts.nodeStatus + counts.otherEvents + counts.invalidSkipped;
  if (events === 0) notes.push('it holds no Hubble events');
  return notes.length === 0 ? {} : { reason: notes.join('; ') };
}

/**
 * Why a file already ingested is skipped, and what --force would do: replace that ingest. When
 * that ingest selected other flows (`-n jaeger`, then `-n bookinfo`), --force drops what it added,
 * so the note says so and how to keep both.
 */
export function alreadyIngested(previous: CommittedUnit, selection: string, grew = false): string {
  const other = otherSelection(previous, selection);
  const earlier = `${grew ? 'its first part was' : 'already'} ingested as ${previous.name} (run ${previous.runId})`;
  if (other === undefined) return `${earlier}; use --force to ingest it again`;
  if (selection === '') return `${earlier}, which selected ${other}; this run selects every flow: use --force to replace that ingest with this one`;
  return `${earlier}, which selected ${other}, and this run selects ${selectionName(selection)}: --force would replace that ingest with this one, dropping what it added; to keep both, collect it once with --force and a selection that covers both`;
}

/** The earlier ingest's selection when it is known and not this run's. */
export function otherSelection(earlier: CommittedUnit, selection: string): string | undefined {
  return earlier.selection === null || earlier.selection === selection ? undefined : selectionName(earlier.selection);
}

const selectionName = (selection: string): string => (selection === '' ? 'every flow' : selection);

/**
 * Files of a multi-file run replaced without the others: connections those share with them were
 * folded into the replaced ingests' counts, now gone, so their edges may count differently than
 * one collect of them all would. The outcome says so, naming what stayed.
 */
export function noteSplitRuns(writer: IngestWriter, result: CollectResult): void {
  const leftOf = new Map<number, string[]>(); // one query per replaced run, however many of its files were forced
  for (const outcome of result.units) {
    const run = outcome.replacedRun;
    if (run === undefined) continue;
    let left = leftOf.get(run);
    if (left === undefined) leftOf.set(run, (left = writer.committedNamesOfRun(run)));
    if (left.length === 0) continue;
    const named = left.length > 3 ? `${left.slice(0, 3).join(', ')} and ${left.length - 3} more` : left.join(', ');
    const note = `run ${run}'s other files stay as they were (${named}): connections they share with this file `
      + 'were counted with its earlier ingest, so their edges may count differently; --force them together to count them as one collect';
    outcome.reason = outcome.reason === undefined ? note : `${outcome.reason}; ${note}`;
  }
}
