// The only module that imports better-sqlite3. Opens a flowpol database, checks that it is one,
// applies migrations, and hands the connection to the other store modules.
import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { OperationalError } from '../errors.js';
import { APPLICATION_ID, migrate, readSchemaVersion } from './migrations.js';

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
 * corrupts. Throws OperationalError E_DB_MISSING / E_DB_NOT_FLOWPOL / E_DB_TOO_NEW / E_DB_OPEN.
 */
export function openDatabase(path: string, options: OpenOptions = {}): Database {
  const readonly = options.readonly ?? false;
  if (!existsSync(path) && (readonly || !options.create)) {
    throw new OperationalError('E_DB_MISSING', `database ${path} does not exist; run \`flowpol collect --db ${path} --input-file <flows>\` first`);
  }
  let db: Database;
  try {
    db = new BetterSqlite3(path, { readonly, fileMustExist: readonly || !options.create });
  } catch (err) {
    throw new OperationalError('E_DB_OPEN', `cannot open database ${path}: ${(err as Error).message}`, { cause: err });
  }
  try {
    checkFlowpolFile(db, path);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      migrate(db);
    }
    requireCurrentSchema(db, path);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/** A file is ours when it is empty (new) or carries our application_id. */
function checkFlowpolFile(db: Database, path: string): void {
  let appId: number;
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
  } catch (err) {
    throw new OperationalError('E_DB_NOT_FLOWPOL', `${path} is not a flowpol database (not SQLite: ${(err as Error).message})`, { cause: err });
  }
  if (appId === APPLICATION_ID) return;
  const tables = db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get() as { n: number };
  if (appId !== 0 || tables.n > 0) {
    throw new OperationalError('E_DB_NOT_FLOWPOL', `${path} is not a flowpol database (it is some other SQLite file); pick another --db path`);
  }
}

function requireCurrentSchema(db: Database, path: string): void {
  const { current, latest } = readSchemaVersion(db);
  if (current === 0) {
    throw new OperationalError('E_DB_NOT_FLOWPOL', `${path} is an empty database; run \`flowpol collect --db ${path}\` first`);
  }
  if (current !== latest) {
    const what = current > latest ? 'newer than this flowpol' : 'older; run `flowpol collect` on it once to upgrade';
    throw new OperationalError('E_DB_VERSION', `${path} has schema version ${current}, this flowpol reads ${latest} (${what})`);
  }
}
