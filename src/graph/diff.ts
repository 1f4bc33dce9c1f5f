// Why a stage's fingerprint differs from an earlier one: the leaves of the fingerprint inputs that
// changed, worded for people ("config.steps: 10 -> 20", "upstream vision changed").
import { canonicalJson } from '../util/hash.ts';
import { isMapping } from '../config/values.ts';
import type { FingerprintInputs } from './fingerprint.ts';

export interface LeafChange {
  path: string; // dotted
  before: unknown;
  after: unknown;
}

/** Every leaf that differs between two JSON values (a list compares as one leaf). */
export function diffLeaves(before: unknown, after: unknown, prefix = ''): LeafChange[] {
  if (isMapping(before) && isMapping(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffLeaves(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(before) === canonicalJson(after) ? [] : [{ path: prefix, before, after }];
}

function show(value: unknown): string {
  return value === undefined ? '(unset)' : JSON.stringify(value);
}

/** The reasons, one per changed leaf, that `after` is not `before`. */
export function explainChange(before: FingerprintInputs, after: FingerprintInputs): string[] {
  const reasons: string[] = [];
  if (before.kind !== after.kind) reasons.push(`kind ${before.kind} -> ${after.kind}`);
  for (const c of diffLeaves(before.config, after.config, 'config')) reasons.push(`${c.path}: ${show(c.before)} -> ${show(c.after)}`);
  for (const c of diffLeaves(before.inputs, after.inputs, 'inputs')) reasons.push(`${c.path}: ${show(c.before)} -> ${show(c.after)}`);
  if (before.seed !== after.seed) reasons.push(`seed: ${before.seed} -> ${after.seed}`);
  for (const c of diffLeaves(before.upstream, after.upstream)) reasons.push(`upstream ${c.path} changed (${show(c.before)} -> ${show(c.after)})`);
  if (canonicalJson(before.datasets) !== canonicalJson(after.datasets)) reasons.push('dataset contents changed');
  if (before.code !== after.code) reasons.push(`code changed (${before.code} -> ${after.code})`);
  return reasons;
}

/** The number of leaves that differ: how far apart two fingerprints' inputs are. */
export function changeDistance(before: FingerprintInputs, after: FingerprintInputs): number {
  return diffLeaves(before, after).length;
}
