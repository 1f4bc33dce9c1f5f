// What `plan` and `run` share: load the spec with its overrides, load the stage kinds (built-in
// and plugins), build each trial's stage graph and fingerprint it, and plan against the history.
import { resolve } from 'node:path';
import { buildStageGraph } from '../graph/build.ts';
import { codeVersion, type CodeVersion } from '../graph/code-version.ts';
import { fingerprintGraph } from '../graph/fingerprint.ts';
import { missingFingerprint } from '../graph/missing-data.ts';
import { planHistory } from '../graph/history.ts';
import { planRun, type Plan, type TrialInput } from '../graph/plan.ts';
import { loadSpec, type LoadedSpec } from '../config/load.ts';
import type { Db } from '../track/db.ts';
import { UserError, type Issue } from '../util/errors.ts';
import { datasetFingerprint } from '../data/manifest.ts';
import { loadKinds } from './kinds.ts';
import { prepareSyntheticData, type PendingSynthetic, type SyntheticMode } from './synthetic-data.ts';

export interface PrepareOptions {
  specFile: string;
  overrides: string[];
  plugins: string[]; // from --plugin, relative to the working directory
  root: string;
  log?: (line: string) => void; // progress of experiment-level preparation (synthetic data)
  synthetic?: SyntheticMode; // default generate; `plan` writes nothing
}

export interface Prepared {
  spec: LoadedSpec;
  plugins: string[]; // absolute: the spec's and the command line's
  code: CodeVersion;
  trials: TrialInput[];
  pendingSynthetic: PendingSynthetic[]; // what `run` would generate first (only with synthetic: plan)
}

export async function prepareExperiment(opts: PrepareOptions): Promise<Prepared> {
  const spec = loadSpec(opts.specFile, opts.overrides);
  const pendingSynthetic = await prepareSyntheticData(spec.trials, opts.log ?? (() => {}), opts.synthetic);
  // A synthetic dataset still to be (re)generated is fingerprinted as missing, even if an outdated copy is there.
  const toGenerate = new Set(pendingSynthetic.flatMap((p) => p.dirs));
  const fingerprintDataset = (dir: string) => (toGenerate.has(dir) ? missingFingerprint(dir) : datasetFingerprint(dir));
  const plugins = [...new Set([...spec.trials.flatMap((t) => t.spec.plugins), ...opts.plugins.map((p) => resolve(p))])];
  const kindNames = [...new Set(spec.trials.flatMap((t) => Object.values(t.spec.stages).map((s) => s.kind)))];
  const registry = await loadKinds(plugins, kindNames);
  const code = codeVersion(plugins);
  const issues: Issue[] = [];
  const trials = spec.trials.flatMap((trial) => {
    try {
      const graph = buildStageGraph(trial, registry);
      return [{ graph, stages: fingerprintGraph(graph, { code: code.id, datasetFingerprint: fingerprintDataset }) }];
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      issues.push(...err.issues.filter((i) => !issues.some((j) => j.message === i.message && j.line === i.line && j.file === i.file)));
      return [];
    }
  });
  if (issues.length > 0) throw new UserError(issues);
  return { spec, plugins, code, trials, pendingSynthetic };
}

export function planPrepared(prepared: Prepared, db: Db | null, root: string): Plan {
  return planRun(prepared.spec.name, prepared.trials, planHistory(db, root));
}
