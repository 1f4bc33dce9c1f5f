// Opening the tracking database: WAL (readers never block the writer), a busy timeout so that
// concurrent processes wait for each other instead of failing, and migrations applied in an
// immediate transaction so that two processes opening a fresh database do not both apply them.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { userError } from '../util/errors.ts';
import { MIGRATIONS } from './migrations.ts';
import { dbPath } from './root.ts';

export type Db = Database.Database;

export const BUSY_TIMEOUT_MS = 30_000;

export function openDb(root: string): Db {
  mkdirSync(root, { recursive: true });
  const db = new Database(dbPath(root));
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
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
    throw userError('db_too_new', `${db.name} has schema version ${schemaVersion(db)}, newer than this vadapter knows (${MIGRATIONS.length}); upgrade vadapter`);
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
