// The stage-kind interface: the one extension point of the runner. A kind declares its config
// schema, which other stages it reads (graph edges), which datasets and experiment parts it
// depends on (cache keys), and how to run. The runner names, stores and prints what `run` reports.
import type { z } from 'zod';
import type { ExperimentSpec } from '../spec/schema.ts';

/** What a stage sees of its experiment: one trial of the spec, resolved. */
export interface StageExperiment {
  name: string;
  seed: number;
  backend: ExperimentSpec['backend'];
  data: ExperimentSpec['data'];
  models: ExperimentSpec['models'];
  trial: { index: number; label: string };
}

/**
 * Upstream stages by role. The role is the dotted config key the reference is written under
 * (`vision`, `init.from`); a list of references (`adapters: [a, b]`) is a list.
 */
export type StageReferences = Record<string, string | string[]>;

/** A checkpoint as recorded: a directory of files under the stage's store directory. */
export interface CheckpointInfo {
  step: number;
  dir: string; // absolute path of the checkpoint directory
  files: string[]; // file names inside `dir`
  sha256: string; // over the sorted (name, sha256) list of its files
  bytes: number;
  tags: string[]; // "last", "best", and any the stage gave
}

/** An upstream stage as a downstream stage receives it: its store directory and final checkpoint. */
export interface UpstreamRef {
  stage: string;
  kind: string;
  fingerprint: string;
  dir: string; // the upstream's store directory (runs/store/<fingerprint>/)
  checkpoint: CheckpointInfo | null; // its last checkpoint, null if it saved none
}

export interface ArtifactInfo {
  name: string;
  path: string; // absolute
  sha256: string;
  bytes: number;
}

export interface StageContext<C = unknown> {
  stage: string; // the stage's name in the spec
  kind: string;
  config: C; // parsed by the kind's configSchema (defaults applied)
  experiment: StageExperiment;
  fingerprint: string;
  outDir: string; // runs/store/<fingerprint>/: the stage may write anything here
  totalSteps: number;
  upstream: Record<string, UpstreamRef | UpstreamRef[]>; // by role, shaped as `references` returned
  resume: CheckpointInfo | null; // the last checkpoint of an earlier attempt: continue from it
  metrics: { log(step: number, values: Record<string, number>): void };
  checkpoint: {
    /** Write the files as the checkpoint of `step` (atomically, as one directory) and record it. */
    save(step: number, files: Record<string, Uint8Array | string>, options?: { tags?: string[] }): CheckpointInfo;
    latest(): CheckpointInfo | null;
  };
  artifacts: { save(name: string, data: Uint8Array | string): ArtifactInfo };
  progress(step: number, total: number, fields?: Record<string, number>): void;
  signal: AbortSignal; // aborted on Ctrl-C / SIGTERM: stop at the next step boundary (throwing or returning)
  log(line: string): void;
}

export interface StageKind<C = unknown> {
  kind: string;
  describe: string;
  /** The kind's own keys (every key of the stage block but `kind`); use z.strictObject so typos are errors. */
  configSchema: z.ZodType<C>;
  /** Upstream stage names by role: the edges of the graph. */
  references(config: C): StageReferences;
  /**
   * The parts of the experiment the stage reads (its models' definitions, data settings); they enter
   * the fingerprint. It may validate them (e.g. resolve a model preset with its overrides): a UserError
   * whose issues carry paths gets the spec's file:line:col. A path is of the stage's block (["corpus",
   * "webli"]) unless it starts with "data" or "models" (not a key of the block): then it is of the
   * document (["models", "vit", "layers"]). So for the `datasets` and `seed` hooks.
   */
  inputs?(config: C, experiment: StageExperiment): unknown;
  /** Dataset directories the stage reads; their manifest fingerprints enter the fingerprint. */
  datasets?(config: C, experiment: StageExperiment): string[];
  /**
   * The seed the stage's output depends on, in place of the experiment's in the fingerprint (default:
   * the experiment's). A kind that takes its own `seed:` key returns it here, so that a stage pinned
   * to a seed is computed once for all trials of a seed sweep.
   */
  seed?(config: C, experiment: StageExperiment): number;
  totalSteps(config: C): number;
  /** The metric that ranks this kind's checkpoints for retention (`best`); the runner tags them. */
  selectBy?: { metric: string; mode: 'min' | 'max' };
  run(ctx: StageContext<C>): Promise<void>;
}

/** A kind whose config type is erased, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStageKind = StageKind<any>;
