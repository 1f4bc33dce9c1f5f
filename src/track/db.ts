// Opening the tracking database (and a job store, which has the same schema): WAL (readers never block the writer), a busy timeout so that
// concurrent processes wait for each other instead of failing, and migrations applied in an
// immediate transaction so that two processes opening a fresh database do not both apply them.
// A file SQLite cannot use (not a database, damaged, unopenable, a newer schema) is a UserError naming it.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { userError } from '../util/errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { dbPath } from './root.ts';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 30_000;

export function openDb(root: string): Db {
  mkdirSync(root, { recursive: true });
  return openDatabase(dbPath(root), 'WAL');
}

/**
 * A job store (track/job-store.ts): the same schema in one file that a job on another host writes.
 * Rollback journal, not WAL: WAL needs shared memory on one host, which a shared filesystem lacks.
 */
export function openStoreDb(path: string): Db {
  mkdirSync(dirname(path), { recursive: true });
  return openDatabase(path, 'DELETE');
}

function openDatabase(path: string, journal: 'WAL' | 'DELETE'): Db {
  let db: Db | undefined;
  try {
    db = new Database(path);
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    db.pragma(`journal_mode = ${journal}`);
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    return db;
  } catch (err) {
    db?.close();
    throw unusableDbError(path, err);
  }
}

/** SQLite's verdict on a file that is no database, a damaged one or one it cannot open, as a UserError naming it; any other error unchanged. */
function unusableDbError(path: string, err: unknown): unknown {
  if (!(err instanceof Database.SqliteError)) return err;
  if (err.code === 'SQLITE_NOTADB' || err.code.startsWith('SQLITE_CORRUPT')) {
    return userError('corrupt_db', `not a vadapter database (${err.message}); move it away or pass --root`, { file: path });
  }
  if (err.code.startsWith('SQLITE_CANTOPEN')) return userError('cannot_open_db', `cannot be opened (${err.message}); pass --root to use another directory`, { file: path });
  return err;
}

/** The database if it exists (for commands that only read), else null. */
export function openDbIfExists(root: string): Db | null {
  return existsSync(dbPath(root)) ? openDb(root) : null;
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function migrate(db: Db): void {
  if (schemaVersion(db) > MIGRATIONS.length) {
    throw userError('db_too_new', `schema version ${schemaVersion(db)} is newer than this vadapter knows (${MIGRATIONS.length}): written by a newer vadapter; upgrade it, or pass --root`, { file: db.name });
  }
  for (let v = schemaVersion(db); v < MIGRATIONS.length; v = schemaVersion(db)) {
    db.transaction(() => {
      if (schemaVersion(db) !== v) return; // another process migrated meanwhile
      db.exec(MIGRATIONS[v]);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}

export function nowIso(): string {
  return new Date().toISOString();
}
