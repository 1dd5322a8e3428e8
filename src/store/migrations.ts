// Numbered schema migrations. Append a new entry to add a change; never edit an applied one.
//
// Layout: every fact is stored per *ingest unit* (one input file, stdin, or one live session) so
// a unit can be committed or rolled back as a whole: rows of a unit whose status is still
// 'staged' are invisible to every read and are deleted when the unit fails or was interrupted.
// Counts are kept per edge per hour (epoch hour = floor(ms / 3 600 000)) per observed verdict,
// which is what lets reads select a time window at hour granularity.
import type { Database } from './database.js';

/** `PRAGMA application_id` of a flowpol database ('flpl'). */
export const APPLICATION_ID = 0x666c706c;

interface Migration { version: number; description: string; sql: string }

const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'ingest runs and units, peers, edges with hourly verdict counts, namespaces, lost events',
    sql: `
      CREATE TABLE ingest_runs (
        id          INTEGER PRIMARY KEY,
        started_at  REAL NOT NULL,
        finished_at REAL,
        status      TEXT NOT NULL CHECK (status IN ('running', 'completed', 'failed', 'interrupted')),
        pid         INTEGER NOT NULL
      );
      CREATE TABLE ingest_units (
        id              INTEGER PRIMARY KEY,
        run_id          INTEGER NOT NULL REFERENCES ingest_runs(id),
        kind            TEXT NOT NULL CHECK (kind IN ('file', 'stdin', 'live')),
        name            TEXT NOT NULL,
        size            INTEGER,
        fingerprint     TEXT,
        status          TEXT NOT NULL CHECK (status IN ('staged', 'committed')),
        started_at      REAL NOT NULL,
        committed_at    REAL,
        flows_read      INTEGER NOT NULL DEFAULT 0,
        flows_kept      INTEGER NOT NULL DEFAULT 0,
        filtered_out    INTEGER NOT NULL DEFAULT 0,
        folded_json     TEXT NOT NULL DEFAULT '{}',
        invalid_skipped INTEGER NOT NULL DEFAULT 0,
        lost_events     INTEGER NOT NULL DEFAULT 0,
        node_status     INTEGER NOT NULL DEFAULT 0,
        other_events    INTEGER NOT NULL DEFAULT 0,
        bytes_read      INTEGER NOT NULL DEFAULT 0,
        first_flow      REAL,
        last_flow       REAL
      );
      CREATE INDEX ingest_units_fingerprint ON ingest_units(fingerprint);
      CREATE TABLE peers (
        id        INTEGER PRIMARY KEY,
        key       TEXT NOT NULL UNIQUE,
        kind      TEXT NOT NULL,
        namespace TEXT,
        json      TEXT NOT NULL
      );
      CREATE TABLE edges (
        id             INTEGER PRIMARY KEY,
        source_id      INTEGER NOT NULL REFERENCES peers(id),
        destination_id INTEGER NOT NULL REFERENCES peers(id),
        protocol       TEXT NOT NULL,
        port           INTEGER NOT NULL,
        UNIQUE (source_id, destination_id, protocol, port)
      );
      CREATE TABLE edge_hours (
        unit_id    INTEGER NOT NULL REFERENCES ingest_units(id) ON DELETE CASCADE,
        edge_id    INTEGER NOT NULL REFERENCES edges(id),
        hour       INTEGER NOT NULL,
        verdict    TEXT NOT NULL,
        count      INTEGER NOT NULL,
        first_seen REAL NOT NULL,
        last_seen  REAL NOT NULL,
        PRIMARY KEY (unit_id, edge_id, hour, verdict)
      ) WITHOUT ROWID;
      CREATE TABLE edge_names (
        unit_id INTEGER NOT NULL REFERENCES ingest_units(id) ON DELETE CASCADE,
        edge_id INTEGER NOT NULL REFERENCES edges(id),
        name    TEXT NOT NULL,
        PRIMARY KEY (unit_id, edge_id, name)
      ) WITHOUT ROWID;
      CREATE TABLE namespace_labels (
        unit_id     INTEGER NOT NULL REFERENCES ingest_units(id) ON DELETE CASCADE,
        name        TEXT NOT NULL,
        labels_json TEXT NOT NULL,
        seen_at     REAL NOT NULL,
        PRIMARY KEY (unit_id, name)
      ) WITHOUT ROWID;
      CREATE TABLE lost_events (
        unit_id INTEGER NOT NULL REFERENCES ingest_units(id) ON DELETE CASCADE,
        source  TEXT NOT NULL,
        node    TEXT NOT NULL,
        records INTEGER NOT NULL,
        lost    INTEGER NOT NULL,
        PRIMARY KEY (unit_id, source, node)
      ) WITHOUT ROWID;
    `,
  },
  {
    version: 2,
    description: 'the flow selection (-n, --since/--until, --pod, --verdict, --label...) each unit was collected with',
    // NULL: collected before flowpol recorded it (unknown).
    sql: 'ALTER TABLE ingest_units ADD COLUMN selection TEXT;',
  },
];

const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
/**
 * The oldest schema the read-only commands (edges, generate, report) read as it is: later
 * migrations only add what collect writes (2: ingest_units.selection). Raise it when one changes
 * what they read.
 */
export const READABLE_SCHEMA_VERSION = 1;

/** Current and latest schema version; current is 0 for a database without flowpol tables. */
export function readSchemaVersion(db: Database): { current: number; latest: number } {
  const hasTable = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_version'").get();
  const row = hasTable ? (db.prepare('SELECT max(version) AS v FROM schema_version').get() as { v: number | null }) : undefined;
  return { current: row?.v ?? 0, latest: LATEST_SCHEMA_VERSION };
}

/** Apply every migration newer than the database, each in its own transaction. */
export function migrate(db: Database): void {
  // Current: nothing to write (another collect may be writing; see IngestWriter.flush). Newer: a
  // newer flowpol wrote it; readers refuse, see database.ts.
  if (readSchemaVersion(db).current >= LATEST_SCHEMA_VERSION) return;
  // Two collects may create the same new file at once: each step takes the write lock first
  // (IMMEDIATE) and reads the version again under it, so every migration is applied once.
  db.transaction(() => {
    db.pragma(`application_id = ${APPLICATION_ID}`);
    db.exec('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at REAL NOT NULL)');
  }).immediate();
  for (const m of MIGRATIONS) {
    db.transaction(() => {
      if (m.version <= readSchemaVersion(db).current) return;
      db.exec(m.sql);
      db.prepare('INSERT INTO schema_version (version, description, applied_at) VALUES (?, ?, ?)').run(m.version, m.description, Date.now());
    }).immediate();
  }
}
