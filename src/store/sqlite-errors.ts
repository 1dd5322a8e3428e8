// What SQLite's failures mean for the user. SQLite reports a full disk, a read-only file or a
// damaged database as an error code (better-sqlite3's SqliteError, e.g. SQLITE_FULL) wherever a
// statement happens to run; this maps those codes to OperationalErrors with a stable E_DB_* code
// (collect treats /^(SQLITE|E_DB)/ codes as "the database is the failure") and a message that
// names the file and says what to do. Imports no SQLite, so the CLI can load it cheaply.
import { OperationalError } from '../errors.js';

interface Meaning {
  code: string;
  /** What went wrong and what to do; `db` is the path (or "the database"), `sqlite` the SQLite code. */
  message: (db: string, sqlite: string) => string;
}

const KEPT = 'the unfinished transaction was rolled back (for collect: the file being ingested) and everything committed before it is kept';

/** By SQLite primary code; extended codes (SQLITE_IOERR_WRITE, SQLITE_READONLY_DIRECTORY …) refine below. */
const MEANINGS: Record<string, Meaning> = {
  SQLITE_FULL: {
    code: 'E_DB_FULL',
    message: (db) => `cannot write ${db}: the disk is full; ${KEPT}. Free some space and run the command again (collect skips files it already ingested)`,
  },
  SQLITE_READONLY: {
    code: 'E_DB_READONLY',
    message: (db, sqlite) => `cannot write ${db}: ${readonlyReason(db, sqlite)}`,
  },
  SQLITE_IOERR: {
    code: 'E_DB_IO',
    message: (db, sqlite) => `input/output error on ${db} (${sqlite}): the disk or file system failed; ${KEPT}. Check the disk, then run the command again`,
  },
  SQLITE_CORRUPT: {
    code: 'E_DB_CORRUPT',
    message: (db, sqlite) => `${db} is damaged (${sqlite}); restore it from a backup, or collect into a new --db`,
  },
  SQLITE_NOTADB: {
    code: 'E_DB_CORRUPT',
    message: (db, sqlite) => `${db} is damaged or no longer an SQLite file (${sqlite}); restore it from a backup, or collect into a new --db`,
  },
  SQLITE_BUSY: {
    code: 'E_DB_BUSY',
    message: (db, sqlite) => `${db} is locked by another process (${sqlite}), perhaps another flowpol collect; run the command again when it has finished`,
  },
  SQLITE_LOCKED: {
    code: 'E_DB_BUSY',
    message: (db, sqlite) => `${db} is locked (${sqlite}); run the command again when the other user of it has finished`,
  },
  SQLITE_CANTOPEN: {
    code: 'E_DB_OPEN',
    message: (db, sqlite) => `cannot open ${db} or the -wal/-shm files SQLite keeps next to it (${sqlite}); check that its directory exists and that you may write there`,
  },
};

function readonlyReason(db: string, sqlite: string): string {
  switch (sqlite) {
    case 'SQLITE_READONLY_DIRECTORY':
      return `its directory is not writable, and SQLite must create ${db}-wal and ${db}-shm there; check the directory's permissions or pick another --db`;
    case 'SQLITE_READONLY_CANTINIT':
    case 'SQLITE_READONLY_CANTLOCK':
      return `SQLite cannot use ${db}-shm next to it (${sqlite}); check the permissions of ${db}-shm and of its directory`;
    case 'SQLITE_READONLY_DBMOVED':
      return 'the file was moved or deleted while flowpol had it open; nothing more was written';
    default:
      return `the file is read-only (${sqlite}); check its permissions, its directory's and whether the file system is mounted read-only, or pick another --db`;
  }
}

/** An error from better-sqlite3 (its SqliteError carries SQLite's extended code, e.g. SQLITE_IOERR_WRITE). */
function sqliteCode(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'SqliteError') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * The OperationalError a SQLite failure stands for, naming `dbPath` (or "the database" when the
 * caller cannot know it), or undefined when `err` is not a SQLite error we can explain (a bug:
 * SQLITE_ERROR from bad SQL, SQLITE_CONSTRAINT, …), so it is reported as an internal error.
 */
export function sqliteOperationalError(err: unknown, dbPath?: string): OperationalError | undefined {
  const sqlite = sqliteCode(err);
  if (sqlite === undefined) return undefined;
  const primary = sqlite.split('_').slice(0, 2).join('_');
  const meaning = MEANINGS[primary];
  if (meaning === undefined) return undefined;
  return new OperationalError(meaning.code, meaning.message(dbPath ?? 'the database', sqlite), { cause: err });
}
