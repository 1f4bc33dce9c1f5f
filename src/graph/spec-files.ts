// The files a spec names for its stages to read, checked when the stage graph is built, so that
// `plan` and `run` reject them before anything runs: the tokenizer (data.tokenizer) must load, and
// every dataset directory of data.train, data.eval and data.text must have a valid manifest. Each
// problem is placed at the key naming the file. What does not exist (yet) is missing data instead
// (missing-data.ts): `plan` shows the stages that need it, `run` refuses to start.
import { existsSync, statSync } from 'node:fs';
import { readManifest } from '../data/manifest.ts';
import { loadTokenizer } from '../data/tokenizer.ts';
import type { SpecTrial } from '../config/load.ts';
import type { DocPath } from '../config/source-map.ts';
import { issueAtKey } from '../config/validate.ts';
import { UserError, type Issue } from '../util/errors.ts';

const DATASET_BLOCKS = ['train', 'eval', 'text'] as const;

/** The tokenizer's problems by path, size and mtime: a tokenizer shared by many trials is loaded once. */
const tokenizerChecks = new Map<string, Issue[]>();

export function specFileIssues(trial: SpecTrial): Issue[] {
  const issues: Issue[] = [];
  const { data } = trial.spec;
  if (data.tokenizer && existsSync(data.tokenizer)) {
    const path = trial.map.has(['data', 'tokenizer']) ? ['data', 'tokenizer'] : ['data', 'synthetic']; // else filled in from data.synthetic
    issues.push(...tokenizerIssues(data.tokenizer).map((i) => issueAtKey(i, path, trial.map)));
  }
  for (const block of DATASET_BLOCKS) {
    for (const [name, dir] of Object.entries(data[block] ?? {})) {
      if (!existsSync(dir)) continue;
      const path: DocPath = ['data', block, name];
      issues.push(...loadIssues(() => readManifest(dir)).map((i) => issueAtKey(i, path, trial.map)));
    }
  }
  return issues;
}

function tokenizerIssues(file: string): Issue[] {
  const stat = statSync(file);
  const key = `${file}\0${stat.size}\0${stat.mtimeMs}`;
  if (!tokenizerChecks.has(key)) tokenizerChecks.set(key, loadIssues(() => loadTokenizer(file)));
  return tokenizerChecks.get(key)!;
}

/** The issues of the UserError `load` throws, if it throws one. */
function loadIssues(load: () => unknown): Issue[] {
  try {
    load();
    return [];
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return err.issues;
  }
}
