// A fresh root directory with an open tracking database for one test.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDb, type Db } from '../../src/track/db.ts';
import { createRun, newRunId } from '../../src/track/runs.ts';

export function freshRoot(): string {
  return mkdtempSync(join(tmpdir(), 'vadapter-track-'));
}

export function freshDb(): { root: string; db: Db } {
  const root = freshRoot();
  return { root, db: openDb(root) };
}

/** A run row of experiment `experiment` with one trial, for tests that need one to hang stages on. */
export function addRun(db: Db, experiment = 'exp'): string {
  const id = newRunId();
  createRun(db, { id, experiment, specPath: 'x.yaml', overrides: [], plugins: [], codeVersion: 'c', gitCommit: null, gitDirty: null, versions: {}, jobs: 1 }, [
    { trial: 0, label: '', assignments: {}, spec: { name: experiment } },
  ]);
  return id;
}
