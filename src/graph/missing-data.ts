// Dataset directories and files (a tokenizer) that do not exist (yet): `plan` fingerprints them as
// missing and shows the stages that read them as needing data; `run` refuses to start, naming each
// one, the spec key that names it (data.train.webli, data.tokenizer, or a key of the stage's own
// block) and where that key is written.
import { resolve } from 'node:path';
import type { SpecTrial } from '../config/load.ts';
import type { DocPath } from '../config/source-map.ts';
import { dottedPath, isMapping, parseDottedPath } from '../config/values.ts';
import type { Issue, SourcePos } from '../util/errors.ts';

export interface MissingDataset extends SourcePos {
  dir: string; // absolute: a dataset directory, or a file (what: "file")
  what: 'dataset' | 'file';
  key: string | null; // the dotted spec key naming it; null when no key of the spec does
}

const MISSING = 'missing: ';

/** The fingerprint entry of a dataset directory (or a file) that does not exist. */
export function missingFingerprint(dir: string): string {
  return `${MISSING}${dir}`;
}

/** The files a kind's fingerprint inputs name as missing, with missingFingerprint (as the tokenizer's digest does). */
export function missingInputFiles(inputs: unknown): string[] {
  return [...new Set(leaves(inputs, []).filter((l) => l.value.startsWith(MISSING)).map((l) => l.value.slice(MISSING.length)))];
}

/** The string leaves under `value`, with their paths. */
function leaves(value: unknown, path: DocPath): { path: DocPath; value: string }[] {
  if (typeof value === 'string') return [{ path, value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => leaves(v, [...path, i]));
  return isMapping(value) ? Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k])) : [];
}

/** Where the trial's spec names `dir` for `stage`: a key of `data:` (paths there are absolute), else of the stage's block. */
export function locateDataset(dir: string, stage: string, trial: SpecTrial, what: MissingDataset['what'] = 'dataset'): MissingDataset {
  const candidates = [...leaves(trial.spec.data, ['data']), ...leaves(trial.spec.stages[stage], ['stages', stage])];
  const found = candidates.find((c) => resolve(c.value) === dir);
  return found ? { dir, what, key: dottedPath(found.path), ...trial.map.at(found.path) } : { dir, what, key: null };
}

/** One issue per missing directory, naming the stages (over all trials) that would read it. */
export function missingDataIssues(stages: { stage: string; needsData: MissingDataset[] }[]): Issue[] {
  const byDir = new Map<string, { where: MissingDataset; stages: Set<string> }>();
  for (const s of stages) {
    for (const m of s.needsData) {
      const entry = byDir.get(m.dir) ?? { where: m, stages: new Set<string>() };
      entry.stages.add(s.stage);
      byDir.set(m.dir, entry);
    }
  }
  return [...byDir.values()].map(({ where, stages: names }) => {
    const { dir, what, key, ...pos } = where;
    const fix = what === 'file' ? `point ${key ?? 'the stage'} at an existing file` : `create it with \`vadapter data import\` (docs/data.md) or point ${key ?? 'the stage'} at an existing dataset`;
    const message = `${dir} does not exist (read by stage${names.size === 1 ? '' : 's'} ${[...names].join(', ')}): ${fix}`;
    return { code: 'missing_data', ...(key ? { path: parseDottedPath(key) } : {}), message, ...pos };
  });
}
