// Datasets are written into a staging directory beside the target and moved into place whole, so
// that an interrupted or failed write leaves the previous dataset (or nothing) and never half of one.
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { userError } from '../util/errors.ts';
import { MANIFEST_FILE } from './manifest.ts';

let counter = 0;

/** A fresh empty directory next to `target`, to be committed or discarded. */
export function createStagingDir(target: string): string {
  mkdirSync(dirname(target), { recursive: true });
  assertReplaceable(target);
  const staging = join(dirname(target), `.${basename(target)}.staging-${process.pid}-${Date.now()}-${counter++}`);
  mkdirSync(staging);
  return staging;
}

/** The fixed staging directory of a resumable write to `target` (kept across attempts), created if absent. */
export function resumableStagingDir(target: string): string {
  assertReplaceable(target);
  const staging = join(dirname(target), `.${basename(target)}.partial`);
  mkdirSync(staging, { recursive: true });
  return staging;
}

/** An existing target must be empty or a dataset: other directories are never overwritten. */
function assertReplaceable(target: string): void {
  if (!existsSync(target)) return;
  if (existsSync(join(target, MANIFEST_FILE)) || readdirSync(target).length === 0) return;
  throw userError('not_a_dataset', `exists and is not a dataset directory (no ${MANIFEST_FILE}); refusing to overwrite it`, { file: target });
}

/** Move `staging` to `target`, replacing a previous dataset there. */
export function commitStagingDir(staging: string, target: string): void {
  assertReplaceable(target);
  if (!existsSync(target)) {
    renameSync(staging, target);
    return;
  }
  const old = `${staging}.old`;
  renameSync(target, old);
  renameSync(staging, target);
  rmSync(old, { recursive: true, force: true });
}

export function discardStagingDir(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
}
