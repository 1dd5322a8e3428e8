// The collect half of flowpol, top to bottom:
//
//   IngestUnit ─open─▶ FlowSource ─Flow─▶ flowMatcher ─▶ EdgeFolder ─ObservedEdge─▶ IngestBatch ─flush─▶ SQLite
//   (file | stdin | live)                 (window, ns, pod,  (identity, replies,       (Map by edge key,    (one transaction per
//                                          label, verdict)    dedupe)                   hour, verdict)       flush; a file commits
//                                                                                                            as one unit)
import { flowMatcher, selectionText } from './collect/filter.js';
import type { InputError } from './errors.js';
import { OperationalError } from './errors.js';
import type { IdentityOptions } from './identity/identity.js';
import { EdgeFolder } from './identity/edge.js';
import type { Flow, FlowEvent, FlowFilter, FlowSource } from './model.js';
import { IngestBatch } from './store/batch.js';
import { addCounts, emptyCounts } from './store/counts.js';
import type { IngestCounts } from './store/counts.js';
import type { Database } from './store/database.js';
import type { DiscardedUnit, UnitDescriptor, UnitKind } from './store/ingest.js';
import { alreadyIngested, noteSplitRuns, otherSelection, outcomeReason } from './collect-notes.js';
import { take } from './collect-event.js';
import { IngestWriter } from './store/ingest.js';

/** Hooks a source reports through while it is read. */
export interface SourceHooks { onInvalid(error: InputError): void; onBytes(bytes: number): void }

/** One thing to ingest: a file, stdin, or a live session. Opened only when its turn comes. */
export interface IngestUnit extends UnitDescriptor {
  open(hooks: SourceHooks): FlowSource;
  /** Files: the fingerprint the file had when it held its first `size` bytes (undefined: shorter). */
  fingerprintAt?(size: number): Promise<string | undefined>;
}

export interface CollectOptions {
  filter: FlowFilter;
  identity: IdentityOptions;
  /**
   * Connections remembered however long ago (default 20 000): another file's copy of one
   * forgotten counts again (see EdgeFolder; the result's `connections` says how many did).
   */
  keepConnections?: number;
  /** Ingest files whose fingerprint is already committed, replacing what they contributed. */
  force: boolean;
  /**
   * Flush every this many ms (default 2000) while reading stdin or a live source: input that
   * arrives over time. A file is read as fast as the disk goes and its rows are invisible until
   * its commit, so it is not flushed on a timer (that only cost time: ~1% of a 1M-flow ingest).
   */
  flushEveryMs?: number;
  /**
   * Flush whenever the batch holds this many distinct edges (default 50 000) or hour buckets
   * (default 200 000): bounds memory however fast flows arrive and however many hours they span.
   */
  flushAtEdges?: number;
  flushAtBuckets?: number;
  /** Stop reading: an atomic unit in progress is rolled back, a live one is committed. */
  signal?: AbortSignal;
  onInvalid?(error: InputError): void;
}

export type UnitStatus = 'committed' | 'skipped' | 'rolled-back';
export interface UnitOutcome {
  name: string; kind: UnitKind; status: UnitStatus; counts: IngestCounts; reason?: string;
  /** The run whose ingest of this file (--force, or grown since) this one replaced. */
  replacedRun?: number;
  /** Connections it counted that may repeat one an earlier file showed, forgotten by then (see CollectResult.connections). */
  recounted?: number;
}

export interface CollectResult {
  runId: number;
  /** Staged units of earlier, interrupted runs that this run deleted. */
  discarded: DiscardedUnit[];
  units: UnitOutcome[];
  /** The unit being read, while it is read. */
  current?: { name: string; counts: IngestCounts };
  /** Sum over this run's committed units. */
  committed: IngestCounts;
  /**
   * Connections the run counted (`started`), of which `recounted` may repeat one forgotten before
   * its copy came (more than `remembered` other connections between the two: two nodes' exports
   * of a busy cluster). Those count twice; remembering at least `started` counts each once.
   * `complete` false: the record of forgotten connections overflowed, so more may have.
   */
  connections: { started: number; recounted: number; complete: boolean; remembered: number };
}

export function newCollectResult(): CollectResult {
  return { runId: 0, discarded: [], units: [], committed: emptyCounts(), connections: { started: 0, recounted: 0, complete: true, remembered: 0 } };
}

/**
 * Ingest units into the database, one after the other. On failure the unit at fault is rolled
 * back (files) and the error rethrown; `result` (pass your own to inspect it then) says what was
 * committed before.
 */
export async function collect(
  db: Database, units: AsyncIterable<IngestUnit> | Iterable<IngestUnit>, options: CollectOptions,
  result: CollectResult = newCollectResult(),
): Promise<CollectResult> {
  const matches = flowMatcher(options.filter); // a bad filter fails before anything is written
  const selection = selectionText(options.filter);
  const writer = new IngestWriter(db);
  const run = writer.startRun(Date.now());
  result.runId = run.runId;
  result.discarded = run.discarded;
  const folder = new EdgeFolder({ ...options.identity, keepConnections: options.keepConnections });
  try {
    for await (const unit of units) {
      if (options.signal?.aborted) throw interrupted(unit.name, false);
      const outcome = await ingestUnit(writer, result, unit, { folder, matches, selection }, options);
      result.units.push(outcome);
      if (outcome.status === 'committed') addCounts(result.committed, outcome.counts);
    }
  } catch (err) {
    writer.finishRun(run.runId, err instanceof OperationalError && err.code === 'E_INTERRUPTED' ? 'interrupted' : 'failed', Date.now());
    throw err;
  } finally {
    result.connections = folder.connections;
  }
  noteSplitRuns(writer, result);
  writer.finishRun(run.runId, 'completed', Date.now());
  return result;
}

/** What every unit of a run shares: the folder (connections span files), the flow filter and its selectionText. */
interface RunState { folder: EdgeFolder; matches: (flow: Flow) => boolean; selection: string }

async function ingestUnit(writer: IngestWriter, result: CollectResult, unit: IngestUnit, { folder, matches, selection }: RunState, options: CollectOptions): Promise<UnitOutcome> {
  const previous = unit.fingerprint === undefined ? undefined : writer.findCommitted(unit.fingerprint);
  const counts = emptyCounts();
  // --force replaces an earlier run's ingest; within one run the same content twice is skipped
  // (its flows would fold into the first copy's connections and then replace them: nothing left).
  if (previous !== undefined && (!options.force || previous.runId === result.runId)) {
    const again = previous.runId === result.runId ? `the same content as ${previous.name}, ingested earlier in this run` : alreadyIngested(previous, selection);
    return { name: unit.name, kind: unit.kind, status: 'skipped', counts, reason: again };
  }
  // A live exporter log that grew since: read whole again, it replaces its earlier ingest (reading
  // only the new bytes would be faster, but its first flows would then not fold with the rest).
  const grown = previous === undefined && unit.fingerprintAt !== undefined ? await writer.findGrown(unit, unit.fingerprintAt) : undefined;
  // Its earlier part was collected with another selection: replacing it would drop what that one added.
  if (grown !== undefined && !options.force && otherSelection(grown, selection) !== undefined) {
    return { name: unit.name, kind: unit.kind, status: 'skipped', counts, reason: alreadyIngested(grown, selection, true) };
  }
  const replaced = previous ?? grown;
  const unitId = writer.startUnit(result.runId, unit, Date.now(), selection);
  const batch = new IngestBatch();
  const source = unit.open({
    onInvalid: (error) => {
      counts.invalidSkipped++;
      options.onInvalid?.(error);
    },
    onBytes: (bytes) => (counts.bytesRead += bytes),
  });
  // Flushes happen every few seconds for stdin and live sources (timer, so an idle live source
  // still gets its last flows written) and when the batch is big (checked in the loop). Both run
  // between two events: take() is sync.
  let failure: unknown;
  const flush = (): void => writer.flush(unitId, batch, counts);
  const stop = (): void => void Promise.resolve(source.close()).catch(() => {}); // the loop reports errors
  const timer = unit.kind === 'file' ? undefined : setInterval(() => {
    try {
      flush();
    } catch (err) {
      failure ??= err;
      stop();
    }
  }, options.flushEveryMs ?? 2000).unref();
  options.signal?.addEventListener('abort', stop);
  result.current = { name: unit.name, counts };
  const flushEdges = options.flushAtEdges ?? 50_000;
  const flushBuckets = options.flushAtBuckets ?? 200_000;
  let events = 0;
  const recountedBefore = folder.connections.recounted;
  /** UnitOutcome.recounted: what the folder noticed while this unit was read. */
  const recounted = (): { recounted?: number } => {
    const n = folder.connections.recounted - recountedBefore;
    return n === 0 ? {} : { recounted: n };
  };
  try {
    // Events already read are taken synchronously when the source can (no microtask per event).
    reading: for await (const first of source) {
      for (let event: FlowEvent | undefined = first; event !== undefined; event = source.takeReady?.()) {
        take(event, counts, batch, folder, matches);
        if ((++events & 1023) === 0 && (batch.edgeCount >= flushEdges || batch.bucketCount >= flushBuckets)) flush();
        if (failure !== undefined || options.signal?.aborted) break reading;
      }
    }
    if (failure !== undefined) throw failure;
    if (options.signal?.aborted && unit.atomic) throw interrupted(unit.name, true);
    writer.commitUnit(unitId, batch, counts, Date.now(), replaced === undefined ? [] : [replaced.id]);
    return {
      name: unit.name, kind: unit.kind, status: 'committed', counts, ...outcomeReason(counts, replaced, grown !== undefined, selection, options.signal?.aborted === true),
      ...(replaced === undefined ? {} : { replacedRun: replaced.runId }), ...recounted(),
    };
  } catch (err) {
    if (unit.atomic) {
      writer.abortUnit(unitId);
      result.units.push({ name: unit.name, kind: unit.kind, status: 'rolled-back', counts, reason: (err as Error).message });
    } else {
      writer.commitUnit(unitId, batch, counts, Date.now());
      result.units.push({ name: unit.name, kind: unit.kind, status: 'committed', counts, reason: `stopped early: ${(err as Error).message}`, ...recounted() });
      addCounts(result.committed, counts);
    }
    throw err;
  } finally {
    clearInterval(timer);
    delete result.current;
    options.signal?.removeEventListener('abort', stop);
    await source.close();
  }
}

function interrupted(name: string, started: boolean): OperationalError {
  const what = started ? `while reading ${name}; it was rolled back` : `before ${name}`;
  return new OperationalError('E_INTERRUPTED', `interrupted ${what}; what was committed before stays committed`);
}
