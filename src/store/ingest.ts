// Writes ingest runs to the database. A unit (file, stdin, live session) is flushed in one
// transaction at a time; an *atomic* unit (a file) stays 'staged' — invisible to reads — until
// its last flush commits it, so a file that fails half way is removed whole (abortUnit) and a
// process killed mid-file leaves staged rows that the next run discards (startRun).
import { namespaceOf } from '../identity/identity.js';
import { PeerIds } from '../identity/peer-ids.js';
import type { Peer } from '../model.js';
import type { Bucket, IngestBatch } from './batch.js';
import type { IngestCounts } from './counts.js';
import type { Database } from './database.js';
import { sortedRecord } from '../order.js';
import { OperationalError } from '../errors.js';
import { runProcessAlive } from './run-process.js';

export type UnitKind = 'file' | 'stdin' | 'live';

export interface UnitDescriptor {
  kind: UnitKind;
  /** The path as given, `-`, or the live server address. */
  name: string;
  size?: number;
  /** See fingerprint.ts; undefined when it cannot be known before reading (stdin, live). */
  fingerprint?: string;
  /** true: all-or-nothing (files); false: every flush is committed as it is written (live). */
  atomic: boolean;
}

/** `selection`: the flow selection it was collected with (selectionText: '' for every flow; null when unknown, from before flowpol kept it). */
export interface CommittedUnit { id: number; runId: number; name: string; committedAt: number; selection: string | null }
/** A committed unit read from a file: its size and fingerprint then. */
interface CommittedFile extends CommittedUnit { size: number; fingerprint: string }
export interface DiscardedUnit { id: number; runId: number; name: string; flowsRead: number }

export class IngestWriter {
  private readonly peerIds = new PeerIds();
  /** Edge ids by `<source peer id> <destination peer id> <protocol>/<port>`. */
  private readonly edgeIds = new Map<string, number>();
  private readonly sql;

  constructor(private readonly db: Database) {
    this.sql = {
      startRun: db.prepare("INSERT INTO ingest_runs (started_at, status, pid) VALUES (?, 'running', ?)"),
      finishRun: db.prepare('UPDATE ingest_runs SET finished_at = ?, status = ? WHERE id = ?'),
      running: db.prepare("SELECT id, pid, started_at AS startedAt FROM ingest_runs WHERE status = 'running' ORDER BY id"),
      staged: db.prepare(`SELECT id, run_id AS runId, name, flows_read AS flowsRead FROM ingest_units WHERE status = 'staged' ORDER BY id`),
      interruptRun: db.prepare("UPDATE ingest_runs SET status = 'interrupted' WHERE id = ? AND status = 'running'"),
      committed: db.prepare(`SELECT id, run_id AS runId, name, committed_at AS committedAt, selection FROM ingest_units
        WHERE fingerprint = ? AND status = 'committed' ORDER BY id LIMIT 1`),
      committedNamed: db.prepare(`SELECT id, run_id AS runId, name, committed_at AS committedAt, selection, size, fingerprint FROM ingest_units
        WHERE name = ? AND status = 'committed' AND kind = 'file' AND size IS NOT NULL AND fingerprint IS NOT NULL ORDER BY id DESC`),
      startUnit: db.prepare(`INSERT INTO ingest_units (run_id, kind, name, size, fingerprint, status, started_at, committed_at, selection)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`),
      counts: db.prepare(`UPDATE ingest_units SET flows_read = :flowsRead, flows_kept = :flowsKept, filtered_out = :filteredOut,
        folded_json = :folded, invalid_skipped = :invalidSkipped, lost_events = :lostEvents, node_status = :nodeStatus,
        other_events = :otherEvents, bytes_read = :bytesRead, first_flow = :firstFlow, last_flow = :lastFlow WHERE id = :id`),
      commitUnit: db.prepare("UPDATE ingest_units SET status = 'committed', committed_at = ? WHERE id = ?"),
      deleteUnit: db.prepare('DELETE FROM ingest_units WHERE id = ?'),
      namesOfRun: db.prepare(`SELECT name FROM ingest_units WHERE run_id = ? AND status = 'committed' ORDER BY id`).pluck(),
      peer: db.prepare(`INSERT INTO peers (key, kind, namespace, json) VALUES (?, ?, ?, ?)
        ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING id`),
      edge: db.prepare(`INSERT INTO edges (source_id, destination_id, protocol, port) VALUES (?, ?, ?, ?)
        ON CONFLICT (source_id, destination_id, protocol, port) DO UPDATE SET port = excluded.port RETURNING id`),
      bucket: db.prepare(`INSERT INTO edge_hours (unit_id, edge_id, hour, verdict, count, first_seen, last_seen)
        VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (unit_id, edge_id, hour, verdict) DO UPDATE SET
        count = count + excluded.count, first_seen = min(first_seen, excluded.first_seen), last_seen = max(last_seen, excluded.last_seen)`),
      bucketTimes: db.prepare(`UPDATE edge_hours SET first_seen = min(first_seen, ?), last_seen = max(last_seen, ?)
        WHERE unit_id = ? AND edge_id = ? AND hour = ? AND verdict = ?`),
      dropEmptyBucket: db.prepare('DELETE FROM edge_hours WHERE unit_id = ? AND edge_id = ? AND hour = ? AND verdict = ? AND count = 0'),
      name: db.prepare('INSERT OR IGNORE INTO edge_names (unit_id, edge_id, name) VALUES (?, ?, ?)'),
      namespace: db.prepare(`INSERT INTO namespace_labels (unit_id, name, labels_json, seen_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (unit_id, name) DO UPDATE SET labels_json = excluded.labels_json, seen_at = excluded.seen_at
        WHERE excluded.seen_at >= seen_at`),
      lost: db.prepare(`INSERT INTO lost_events (unit_id, source, node, records, lost) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (unit_id, source, node) DO UPDATE SET records = records + excluded.records, lost = lost + excluded.lost`),
    };
  }

  /**
   * Start a run, or refuse while another collect's run is in progress on this database (its
   * process is alive): two writers would both count the same new files. Runs whose process is
   * gone (killed, crashed) are marked interrupted, and the units they left 'staged' deleted;
   * returns those. IMMEDIATE: the check and the new run are one step under the write lock.
   */
  startRun(now: number): { runId: number; discarded: DiscardedUnit[] } {
    return this.db.transaction(() => {
      for (const r of this.sql.running.all() as { id: number; pid: number; startedAt: number }[]) {
        if (runProcessAlive(r.pid, r.startedAt)) {
          throw new OperationalError('E_DB_BUSY', `another flowpol collect (pid ${r.pid}, run ${r.id}) is writing to this database; wait for it to finish, or stop it`);
        }
        this.sql.interruptRun.run(r.id);
      }
      const discarded = this.sql.staged.all() as DiscardedUnit[];
      for (const u of discarded) this.sql.deleteUnit.run(u.id);
      const runId = Number(this.sql.startRun.run(now, process.pid).lastInsertRowid);
      return { runId, discarded };
    }).immediate();
  }

  /** `interrupted`: stopped by a signal (SIGINT/SIGTERM); runs whose process died are marked so by startRun. */
  finishRun(runId: number, status: 'completed' | 'failed' | 'interrupted', now: number): void {
    this.sql.finishRun.run(now, status, runId);
  }

  /** The committed unit with this fingerprint, if any. */
  findCommitted(fingerprint: string): CommittedUnit | undefined {
    return this.sql.committed.get(fingerprint) as CommittedUnit | undefined;
  }

  /**
   * The newest committed ingest of a file of this name that was then a shorter version of it:
   * `fingerprintAt(size)` gives the fingerprint of the unit's first `size` bytes now.
   */
  async findGrown(unit: UnitDescriptor, fingerprintAt: (size: number) => Promise<string | undefined>): Promise<CommittedUnit | undefined> {
    if (unit.kind !== 'file' || unit.size === undefined) return undefined;
    for (const earlier of this.sql.committedNamed.all(unit.name) as CommittedFile[]) {
      if (earlier.size < unit.size && (await fingerprintAt(earlier.size)) === earlier.fingerprint) return earlier;
    }
    return undefined;
  }

  /** The names of a run's units still committed. */
  committedNamesOfRun(runId: number): string[] {
    return this.sql.namesOfRun.all(runId) as string[];
  }

  /** `selection`: the flow selection it is collected with (selectionText). */
  startUnit(runId: number, unit: UnitDescriptor, now: number, selection = ''): number {
    const status = unit.atomic ? 'staged' : 'committed';
    const committedAt = unit.atomic ? null : now;
    return Number(this.sql.startUnit.run(runId, unit.kind, unit.name, unit.size ?? null, unit.fingerprint ?? null, status, now, committedAt, selection).lastInsertRowid);
  }

  /**
   * Write the batch and the unit's counts so far in one transaction, then clear the batch. Every
   * writing transaction is IMMEDIATE: one that began by reading could not write after another
   * process's commit (SQLITE_BUSY at once, with no wait), and a reader of the database may be
   * collecting the same file right then (it is refused, but writes its checks).
   */
  flush(unitId: number, batch: IngestBatch, counts: IngestCounts): void {
    this.guarded(() => this.db.transaction(() => this.write(unitId, batch, counts)).immediate());
    batch.clear();
  }

  /** Last flush of a unit and its commit, in one transaction; deletes the units it replaces. */
  commitUnit(unitId: number, batch: IngestBatch, counts: IngestCounts, now: number, replaces: readonly number[] = []): void {
    this.guarded(() =>
      this.db.transaction(() => {
        this.write(unitId, batch, counts);
        for (const old of replaces) this.sql.deleteUnit.run(old);
        this.sql.commitUnit.run(now, unitId);
      }).immediate(),
    );
    batch.clear();
  }

  /** Remove a unit and every row it wrote (all-or-nothing for atomic units). */
  abortUnit(unitId: number): void {
    this.sql.deleteUnit.run(unitId);
  }

  private write(unitId: number, batch: IngestBatch, counts: IngestCounts): void {
    for (const agg of batch.edges()) {
      const edgeId = this.edgeId(agg.edge.source, agg.edge.destination, agg.edge.protocol, agg.edge.port);
      for (const b of agg.buckets.values()) this.writeBucket(unitId, edgeId, b);
      for (const name of agg.names) this.sql.name.run(unitId, edgeId, name);
    }
    for (const [, seen] of batch.namespaces) {
      const ns = namespaceOf(seen.endpoint);
      if (ns !== undefined) this.sql.namespace.run(unitId, ns.name, JSON.stringify(sortedRecord(ns.labels)), seen.time);
    }
    for (const l of batch.lost.values()) this.sql.lost.run(unitId, l.source, l.node, l.records, l.lost);
    this.sql.counts.run({
      id: unitId, ...counts, folded: JSON.stringify(sortedRecord(counts.folded)),
      firstFlow: counts.firstFlow ?? null, lastFlow: counts.lastFlow ?? null,
    });
  }

  /**
   * Add a bucket to the unit's row. After IngestBatch.reclassify or widen a bucket may hold 0 or
   * less. At 0 with its counts all moved on, it only widens the times of this unit's row, if any.
   * One that widen put times in, or holds new counts that cancel an earlier unit's counts moved
   * away (another node's file of this collect saw the connection first), is upserted with count
   * 0: a row of its own holds its times, so a --force re-ingest of this file takes them back out. A negative
   * count lowers this unit's row, which is removed if it reaches 0, or stays negative when the
   * moved counts are an earlier unit's. Every read sums counts and takes the widest times.
   */
  private writeBucket(unitId: number, edgeId: number, b: Bucket): void {
    if (b.count === 0 && !b.widened && b.held <= 0) {
      this.sql.bucketTimes.run(b.firstSeen, b.lastSeen, unitId, edgeId, b.hour, b.verdict);
      return;
    }
    this.sql.bucket.run(unitId, edgeId, b.hour, b.verdict, b.count, b.firstSeen, b.lastSeen);
    if (b.count < 0) this.sql.dropEmptyBucket.run(unitId, edgeId, b.hour, b.verdict);
  }

  private edgeId(source: Peer, destination: Peer, protocol: string, port: number): number {
    const sourceId = this.peerIds.idOf(source, this.insertPeer);
    const destinationId = this.peerIds.idOf(destination, this.insertPeer);
    const key = `${sourceId} ${destinationId} ${protocol}/${port}`;
    let id = this.edgeIds.get(key);
    if (id === undefined) {
      const row = this.sql.edge.get(sourceId, destinationId, protocol, port) as { id: number };
      id = row.id;
      this.edgeIds.set(key, id);
    }
    return id;
  }

  private readonly insertPeer = (peer: Peer, key: string): number => {
    const namespace = peer.kind === 'workload' ? peer.identity.namespace : null;
    return (this.sql.peer.get(key, peer.kind, namespace, JSON.stringify(peer)) as { id: number }).id;
  };

  /** A rolled-back transaction may have created ids we cached: forget them. */
  private guarded(write: () => void): void {
    try {
      write();
    } catch (err) {
      this.peerIds.clear();
      this.edgeIds.clear();
      throw err;
    }
  }
}
