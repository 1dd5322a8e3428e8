// The only module that imports better-sqlite3. Opens a flowpol database, checks that it is one,
// applies migrations, and hands the connection to the other store modules.
import BetterSqlite3 from 'better-sqlite3';
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { OperationalError } from '../errors.js';
import { APPLICATION_ID, READABLE_SCHEMA_VERSION, migrate, readSchemaVersion } from './migrations.js';
import { sqliteOperationalError } from './sqlite-errors.js';

/** An open flowpol database. Store modules run SQL on it; other stages only pass it along. */
export type Database = BetterSqlite3.Database;

export interface OpenOptions {
  /** Open read-only (report, generate, edges). The file must exist and be a flowpol database. */
  readonly?: boolean;
  /** Create the file when missing (collect). Ignored with readonly. Default false. */
  create?: boolean;
}

/**
 * Open (and, for writers, create and migrate) a flowpol database.
 * WAL journal with synchronous=NORMAL: a crash loses at most the last transaction, never
 * corrupts. Throws OperationalError E_DB_MISSING / E_DB_NOT_FLOWPOL / E_DB_VERSION / E_DB_OPEN /
 * E_DB_READONLY, or any E_DB_* of sqliteOperationalError (a full disk while migrating …).
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  const readonly = options.readonly ?? false;
  if (!existsSync(path) && (readonly || !options.create)) {
    throw new OperationalError('E_DB_MISSING', `database ${path} does not exist; run \`flowpol collect --db ${path} --input-file <flows>\` first`);
  }
  if (existsSync(path) && statSync(path).isDirectory()) {
    throw new OperationalError('E_DB_OPEN', `cannot open database ${path}: it is a directory; give a file path, such as ${join(path, 'flowpol.db')}`);
  }
  if (!readonly) requireWritable(path);
  let db = connect(path, readonly, readonly || options.create !== true);
  try {
    let appId: number;
    try {
      appId = applicationId(db, path);
    } catch (err) {
      if (!readonly || !snapshotNeeded(err, path)) throw err;
      db.close();
      db = openSnapshot(path);
      appId = applicationId(db, path);
    }
    checkFlowpolFile(db, path, appId);
    if (!readonly) {
      useWal(db);
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    requireReadableSchema(db, path);
    return db;
  } catch (err) {
    db.close();
    throw sqliteOperationalError(err, path) ?? err;
  }
}

function connect(path: string, readonly: boolean, fileMustExist: boolean): Database {
  try {
    return new BetterSqlite3(path, { readonly, fileMustExist });
  } catch (err) {
    throw new OperationalError('E_DB_OPEN', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/**
 * A writer needs the file writable (SQLite would otherwise open it read-only without a word and
 * fail at the first write) and, to create it, the directory. A read-only directory with a
 * writable file surfaces as SQLITE_READONLY_DIRECTORY when WAL starts, mapped like any other.
 */
function requireWritable(path: string): void {
  const target = existsSync(path) ? path : dirname(path);
  try {
    accessSync(target, constants.W_OK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') return; // a missing directory: connect says so
    const why = code === 'EROFS' ? 'the file system is mounted read-only; pick another --db'
      : target === path ? 'the file is read-only; fix its permissions or pick another --db'
      : `its directory ${target} is not writable; fix the directory's permissions or pick another --db`;
    throw new OperationalError('E_DB_READONLY', `cannot write ${path}: ${why}`, { cause: err });
  }
}

/** The header's application_id: the first read, where SQLite finds out whether it can read the file at all. */
function applicationId(db: Database, path: string): number {
  try {
    return db.pragma('application_id', { simple: true }) as number;
  } catch (err) {
    // Only "file is not a database" means what it says; a read-only or unopenable file is not "not ours".
    if ((err as { code?: unknown }).code !== 'SQLITE_NOTADB') throw err;
    throw new OperationalError('E_DB_NOT_FLOWPOL', `${path} is not a flowpol database (not SQLite: ${(err as Error).message})`, { cause: err });
  }
}

/**
 * Reading a WAL database needs its -shm file; when the directory is not writable (or the file
 * system read-only) and no -shm exists, SQLite cannot create one and refuses even to read
 * (SQLITE_READONLY_DIRECTORY / _CANTINIT, or SQLITE_CANTOPEN). SQLite's own answer is the
 * `immutable=1` URI parameter, but this better-sqlite3 is built with SQLITE_USE_URI=0 and never
 * passes SQLITE_OPEN_URI, and `immutable` would also read without locks while a writer might
 * checkpoint. So read a snapshot instead (openSnapshot) — only when no -wal file holds
 * changes: those live outside the main file, and reading without them would be silently stale.
 */
function snapshotNeeded(err: unknown, path: string): boolean {
  const code = (err as { code?: unknown }).code;
  if (code !== 'SQLITE_READONLY_DIRECTORY' && code !== 'SQLITE_READONLY_CANTINIT' && code !== 'SQLITE_CANTOPEN') return false;
  if (isWritable(dirname(path))) return false;
  if (walHasChanges(path)) {
    throw new OperationalError(
      'E_DB_READONLY',
      `cannot read ${path}: ${path}-wal holds changes not yet in the file, and SQLite cannot create ${path}-shm to read them because the directory is not writable; run \`flowpol collect\` on it once where it can write, or make the directory writable`,
      { cause: err },
    );
  }
  return true;
}

/**
 * The whole file read into memory and opened read-only there. Consistent because nothing wrote
 * it meanwhile: no -wal changes before, and size and times unchanged after the read (a writer
 * only changes the main file when it checkpoints). The header says WAL (bytes 18–19 = 2), which
 * an in-memory database cannot use; the copy says rollback journal (1), like journal_mode=DELETE.
 */
function openSnapshot(path: string): Database {
  const before = statSync(path, { bigint: true });
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new OperationalError('E_DB_READONLY', `cannot read ${path} without writing next to it (${(err as Error).message}); make its directory writable or copy the file somewhere writable`, { cause: err });
  }
  const after = statSync(path, { bigint: true });
  if (before.size !== after.size || before.mtimeNs !== after.mtimeNs || before.ctimeNs !== after.ctimeNs || walHasChanges(path)) {
    throw new OperationalError('E_DB_BUSY', `${path} changed while flowpol read it (is a collect writing it?); run the command again`);
  }
  if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) bytes.fill(1, 18, 20);
  return new BetterSqlite3(bytes, { readonly: true });
}

function isWritable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

function walHasChanges(path: string): boolean {
  try {
    return statSync(`${path}-wal`).size > 0;
  } catch {
    return false;
  }
}

/**
 * WAL, set once per file. Switching needs the file to itself: while another collect creates the
 * same new file, SQLite answers SQLITE_BUSY at once (a journal-mode change does not wait like a
 * write does), so wait a little and try again, 5 s in all like a write's busy timeout.
 */
function useWal(db: Database): void {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
      return;
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || Date.now() > deadline) throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // sleep 20 ms (this runs before any async work)
    }
  }
}

/** A file is ours when it is empty (new) or carries our application_id. */
function checkFlowpolFile(db: Database, path: string, appId: number): void {
  if (appId === APPLICATION_ID) return;
  // Read both in one snapshot: another collect may be creating this very file, and its first
  // step sets the id and creates a table together (between two reads it would look foreign).
  const seen = db.transaction(() => ({
    id: db.pragma('application_id', { simple: true }) as number,
    tables: (db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number }).n,
  }))();
  if (seen.id === APPLICATION_ID) return;
  if (seen.id !== 0 || seen.tables > 0) {
    throw new OperationalError('E_DB_NOT_FLOWPOL', `${path} is not a flowpol database (it is some other SQLite file); pick another --db path`);
  }
}

function requireReadableSchema(db: Database, path: string): void {
  const { current, latest } = readSchemaVersion(db);
  if (current === 0) {
    throw new OperationalError('E_DB_NOT_FLOWPOL', `${path} is an empty database; run \`flowpol collect --db ${path}\` first`);
  }
  if (current < READABLE_SCHEMA_VERSION || current > latest) {
    const what = current > latest ? 'newer than this flowpol' : 'older; run `flowpol collect` on it once to upgrade';
    throw new OperationalError('E_DB_VERSION', `${path} has schema version ${current}, this flowpol reads ${latest} (${what})`);
  }
}
