// A spec's trained stages, found read-only the way `vadapter plan` finds them: load the spec with
// its overrides, fingerprint each trial's stages, and take a stage's output only where the store
// holds it finished ("done"), with its last checkpoint whose directory exists. Asking for a stage
// that has not been run (or not finished) is a UserError naming it, at its position in the spec.
// Every edit under src/ changes every fingerprint; `anyCode` also accepts an output of the same
// stage in the same experiment whose fingerprint inputs differ only in the code version (its
// upstream outputs matched the same way), and says which code computed it.
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { checkpointInfo } from '../exec/stage-context.ts';
import { planPrepared, prepareExperiment } from '../exec/prepare.ts';
import type { StageGraph } from '../graph/build.ts';
import { planHistory } from '../graph/history.ts';
import type { FingerprintInputs } from '../graph/fingerprint.ts';
import { mapReferences } from '../graph/fingerprint.ts';
import type { PlanHistory, PlannedStage } from '../graph/plan.ts';
import type { CheckpointInfo, StageExperiment } from '../stages/types.ts';
import { liveCheckpoints } from '../track/checkpoints.ts';
import { openDbIfExists, type Db } from '../track/db.ts';
import { storeDir } from '../track/root.ts';
import { unknownNameMessage, userError } from '../util/errors.ts';
import { canonicalJson } from '../util/hash.ts';

export interface LocateOptions {
  specFile: string;
  overrides: string[];
  plugins: string[];
  root: string;
  trial?: number; // default 0
  anyCode?: boolean; // accept outputs computed by another code version (same stage otherwise)
  log?: (line: string) => void;
}

/** A finished stage of the spec: its parsed config and its final checkpoint. */
export interface TrainedStage {
  name: string;
  kind: string;
  fingerprint: string; // of the output used (the plan's, or with anyCode an earlier code version's)
  code: string; // the code version that computed it
  config: unknown; // the stage block parsed by its kind's schema (defaults filled in)
  checkpoint: CheckpointInfo;
  storeRoot: string; // runs/store/: where its checkpoint's recorded sources are found
}

export interface SpecStage {
  name: string;
  kind: string;
  config: unknown;
  references: Record<string, string | string[]>;
  done: boolean;
}

export interface LocatedSpec {
  file: string;
  name: string;
  trial: number;
  code: string; // the current code version (what the plan fingerprints with)
  experiment: StageExperiment;
  stages: SpecStage[]; // dependency order
  /** The stage `name`, finished; a UserError (exit 2) when it is unknown or has not been run. */
  trained(name: string, why?: string): TrainedStage;
}

/** The live checkpoint with the highest step whose directory exists (read-only: nothing is marked). */
function lastExistingCheckpoint(db: Db, root: string, fingerprint: string): CheckpointInfo | null {
  const live = liveCheckpoints(db, fingerprint).map((c) => checkpointInfo(root, c)).filter((c) => existsSync(c.dir));
  return live.length === 0 ? null : live.reduce((a, b) => (b.step > a.step ? b : a));
}

function notRunMessage(s: PlannedStage, specFile: string, why: string | undefined, codeOnly: boolean): string {
  const need = why ? ` (${why})` : '';
  const state = s.action === 'resume' ? `has not finished (an earlier attempt checkpointed step ${s.resumeFrom?.step})` : 'has not been run';
  const hint = codeOnly ? '; an output of it computed by other code exists: --any-code uses it' : '';
  return `stage "${s.stage}" (${s.kind}, fingerprint ${s.fingerprint}) ${state}${need}; run \`vadapter run ${specFile}\` first (\`vadapter plan\` says why: ${s.reasons.join('; ')})${hint}`;
}

/** Whether `earlier` is the planned stage `s` computed by other code: the same inputs but the code, its upstream outputs those matched for its upstream stages. */
function sameButCode(earlier: FingerprintInputs, s: PlannedStage, upstream: Record<string, unknown>): boolean {
  const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);
  const now = s.inputs;
  return earlier.kind === now.kind && earlier.seed === now.seed && same(earlier.config, now.config) && same(earlier.inputs, now.inputs) && same(earlier.datasets, now.datasets) && same(earlier.upstream, upstream);
}

/** The most recent finished output of `s` computed by other code, given the outputs matched for the stages before it. */
function codeTwin(history: PlanHistory, experiment: string, s: PlannedStage, references: Record<string, string | string[]>, matched: Map<string, string>): { fingerprint: string; code: string } | null {
  const names = Object.values(references).flat();
  if (names.some((n) => !matched.has(n))) return null;
  const upstream = mapReferences(references, (n) => matched.get(n)!);
  for (const p of history.previous(experiment, s.stage)) {
    if (history.output(p.fingerprint)?.status === 'done' && sameButCode(p.inputs, s, upstream)) return { fingerprint: p.fingerprint, code: p.inputs.code };
  }
  return null;
}

export async function locateSpec(o: LocateOptions): Promise<LocatedSpec> {
  const index = o.trial ?? 0;
  const prepared = await prepareExperiment({ specFile: o.specFile, overrides: o.overrides, plugins: o.plugins, root: o.root, log: o.log });
  const input = prepared.trials.find((t) => t.graph.trial.index === index);
  if (!input) throw userError('unknown_trial', `the spec has ${prepared.trials.length} trial(s), numbered from 0; there is no trial ${index}`, { file: prepared.spec.file });
  const graph: StageGraph = input.graph;
  const db = openDbIfExists(o.root);
  try {
    const planned = planPrepared(prepared, db, o.root).trials.find((t) => t.index === index)!.stages;
    const history = planHistory(db, o.root);
    // Everything is read now: the database closes below.
    const done = new Set(planned.filter((s) => history.output(s.fingerprint)?.status === 'done').map((s) => s.stage));
    const matched = new Map<string, string>(); // stage -> the output used for it (dependencies come first)
    const codeOnly = new Set<string>(); // stages with an output computed by other code
    const found = new Map<string, TrainedStage | null>();
    for (const s of planned) {
      const node = graph.nodes.get(s.stage)!;
      let use: { fingerprint: string; code: string } | null = done.has(s.stage) ? { fingerprint: s.fingerprint, code: s.inputs.code } : null;
      if (!use && db) {
        const twin = codeTwin(history, prepared.spec.name, s, node.references, matched);
        if (twin) codeOnly.add(s.stage);
        if (twin && o.anyCode) use = twin;
      }
      const checkpoint = use && db ? lastExistingCheckpoint(db, o.root, use.fingerprint) : null;
      if (use) matched.set(s.stage, use.fingerprint);
      found.set(s.stage, use && checkpoint ? { name: s.stage, kind: s.kind, ...use, config: node.config, checkpoint, storeRoot: dirname(storeDir(o.root, use.fingerprint)) } : null);
    }
    const trained = (name: string, why?: string): TrainedStage => {
      const at = (path: (string | number)[]) => ({ path, ...graph.trial.map.at(path) });
      const s = planned.find((p) => p.stage === name);
      if (!s) {
        throw userError('unknown_stage', unknownNameMessage(`no stage "${name}" in the spec`, name, graph.order, { label: 'stages' }), { file: prepared.spec.file });
      }
      const t = found.get(name);
      if (t) return t;
      if (matched.has(name)) throw userError('missing_checkpoint', `stage "${name}" (${s.kind}) finished but no checkpoint of it is left in ${o.root}`, at(['stages', name]));
      throw userError('stage_not_run', notRunMessage(s, o.specFile, why, codeOnly.has(name) && !o.anyCode), at(['stages', name]));
    };
    return {
      file: prepared.spec.file,
      name: prepared.spec.name,
      trial: index,
      code: prepared.code.id,
      experiment: graph.experiment,
      stages: graph.order.map((name) => {
        const node = graph.nodes.get(name)!;
        return { name, kind: node.kind.kind, config: node.config, references: node.references, done: found.get(name) != null };
      }),
      trained,
    };
  } finally {
    db?.close();
  }
}
