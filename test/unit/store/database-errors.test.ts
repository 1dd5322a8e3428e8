import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OperationalError } from '../../../src/errors.js';
import { openDatabase } from '../../../src/store/database.js';
import { sqliteOperationalError } from '../../../src/store/sqlite-errors.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'flowpol-dberr-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What better-sqlite3 throws, with SQLite's extended code. */
const sqliteError = (code: string, message = 'sqlite says no'): Error => new BetterSqlite3.SqliteError(message, code);

describe('sqliteOperationalError', () => {
  it('turns a real SQLITE_FULL from a write into E_DB_FULL naming the file and what was kept', () => {
    const path = join(dir, 'full.db');
    const db = openDatabase(path, { create: true });
    db.exec('CREATE TABLE big (x BLOB)');
    db.pragma('max_page_count = 1'); // SQLite keeps the pages the file has and allows no more: the next write finds the "disk" full
    let thrown: unknown;
    try {
      db.prepare('INSERT INTO main.big VALUES (randomblob(100000))').run();
    } catch (err) {
      thrown = err;
    }
    db.close();
    expect((thrown as { code?: unknown }).code).toBe('SQLITE_FULL');
    const mapped = sqliteOperationalError(thrown, path);
    expect(mapped).toBeInstanceOf(OperationalError);
    expect(mapped?.code).toBe('E_DB_FULL');
    expect(mapped?.exitCode).toBe(1);
    expect(mapped?.message).toContain(`cannot write ${path}: the disk is full`);
    expect(mapped?.message).toContain('rolled back (for collect: the file being ingested)');
    expect(mapped?.message).toContain('committed before it is kept');
    expect(mapped?.cause).toBe(thrown);
  });

  it.each([
    ['SQLITE_FULL', 'E_DB_FULL', 'the disk is full'],
    ['SQLITE_READONLY', 'E_DB_READONLY', 'cannot write db.sqlite: the file is read-only (SQLITE_READONLY)'],
    ['SQLITE_READONLY_DIRECTORY', 'E_DB_READONLY', 'its directory is not writable, and SQLite must create db.sqlite-wal'],
    ['SQLITE_READONLY_DBMOVED', 'E_DB_READONLY', 'moved or deleted'],
    ['SQLITE_IOERR_WRITE', 'E_DB_IO', 'input/output error on db.sqlite (SQLITE_IOERR_WRITE)'],
    ['SQLITE_IOERR_SHORT_READ', 'E_DB_IO', 'SQLITE_IOERR_SHORT_READ'],
    ['SQLITE_CORRUPT', 'E_DB_CORRUPT', 'db.sqlite is damaged (SQLITE_CORRUPT)'],
    ['SQLITE_CORRUPT_INDEX', 'E_DB_CORRUPT', 'restore it from a backup'],
    ['SQLITE_NOTADB', 'E_DB_CORRUPT', 'no longer an SQLite file'],
    ['SQLITE_BUSY', 'E_DB_BUSY', 'locked by another process'],
    ['SQLITE_BUSY_SNAPSHOT', 'E_DB_BUSY', 'SQLITE_BUSY_SNAPSHOT'],
    ['SQLITE_LOCKED_SHAREDCACHE', 'E_DB_BUSY', 'is locked'],
    ['SQLITE_CANTOPEN_ISDIR', 'E_DB_OPEN', 'cannot open db.sqlite'],
  ])('%s becomes %s', (sqlite, code, text) => {
    const mapped = sqliteOperationalError(sqliteError(sqlite), 'db.sqlite');
    expect(mapped?.code).toBe(code);
    expect(mapped?.code).toMatch(/^E_DB/); // collect's summaryAfterFailure keys on /^(SQLITE|E_DB)/
    expect(mapped?.message).toContain(text);
  });

  it('says "the database" when the caller cannot name the file', () => {
    expect(sqliteOperationalError(sqliteError('SQLITE_FULL'))?.message).toMatch(/^cannot write the database: the disk is full/);
  });

  it('leaves bugs (bad SQL, constraints) and non-SQLite errors alone, to be reported as internal errors', () => {
    expect(sqliteOperationalError(sqliteError('SQLITE_ERROR'), 'x')).toBeUndefined();
    expect(sqliteOperationalError(sqliteError('SQLITE_CONSTRAINT_UNIQUE'), 'x')).toBeUndefined();
    expect(sqliteOperationalError(Object.assign(new Error('disk'), { code: 'SQLITE_FULL' }), 'x')).toBeUndefined();
    expect(sqliteOperationalError(new OperationalError('E_DB_MISSING', 'gone'), 'x')).toBeUndefined();
    expect(sqliteOperationalError('SQLITE_FULL', 'x')).toBeUndefined();
  });
});

describe('openDatabase classifies what is wrong with a file', () => {
  it('still calls a file that is not SQLite "not a flowpol database"', () => {
    const path = join(dir, 'junk.db');
    writeFileSync(path, 'this is not a database, just text long enough to fill a header '.repeat(20));
    expect(() => openDatabase(path, { readonly: true })).toThrow(/not a flowpol database \(not SQLite: file is not a database\)/);
  });

  it('a --db in a directory that does not exist is E_DB_OPEN saying so, not a permissions problem', () => {
    const path = join(dir, 'no', 'such', 'f.db');
    expect(() => openDatabase(path, { create: true })).toThrow(`cannot open database ${path}: Cannot open database because the directory does not exist`);
  });
});
