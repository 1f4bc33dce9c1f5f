// Where runs live: the root directory (--root, else $VADAPTER_HOME, else ./runs), holding the
// tracking database, the content-addressed store of stage outputs and one directory per run.
import { join, resolve } from 'node:path';

export const HOME_ENV = 'VADAPTER_HOME';

export function resolveRoot(flag?: string): string {
  return resolve(flag ?? (process.env[HOME_ENV] || 'runs'));
}

export function dbPath(root: string): string {
  return join(root, 'vadapter.db');
}

/** A stage output's directory: runs/store/<fingerprint>/. */
export function storeDir(root: string, fingerprint: string): string {
  return join(root, 'store', fingerprint);
}

/** A run's own files: resolved spec, stage logs. */
export function runDir(root: string, runId: string): string {
  return join(root, runId);
}
