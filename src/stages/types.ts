// The stage-kind interface: the one extension point of the runner. A kind declares its config
// schema, which other stages it reads (graph edges), which datasets and experiment parts it
// depends on (cache keys), and how to run. The runner names, stores and prints what `run` reports.
import type { z } from 'zod';
import type { ExperimentSpec } from '../config/schema.ts';

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
 * Upstream stage names by role, as the graph reads them from a stage's config. The role is the dotted
 * config key the reference is written under (`vision`, `init.from`); a list reference is a list.
 */
export type StageReferences = Record<string, string | string[]>;

/**
 * One config key of a kind that names another stage, and what that stage must be. `produces`: the
 * referenced stage's kind must produce one of these (any stage without it); `optional`: the key may
 * be left out (or null); `list`: the key holds a list of stage names (`adapters: [a, b]`).
 */
export interface ReferenceDecl {
  produces?: readonly string[];
  optional?: boolean;
  list?: boolean;
}

/** A kind's references by role (the dotted config key): what `plan` checks and `ctx.upstream` holds. */
export type ReferenceDecls = Record<string, ReferenceDecl>;

type UpstreamOf<D extends ReferenceDecl> = (D extends { list: true } ? UpstreamRef[] : UpstreamRef) | (D extends { optional: true } ? undefined : never);

/**
 * `ctx.upstream` as a kind's declaration types it: each role an UpstreamRef, a list for a list
 * reference, possibly undefined for an optional one. Erased (any role) for a kind of unknown declaration.
 */
export type Upstream<R extends ReferenceDecls> = string extends keyof R ? Record<string, UpstreamRef | UpstreamRef[] | undefined> : { [K in keyof R]: UpstreamOf<R[K]> };

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

export interface StageContext<C = unknown, R extends ReferenceDecls = ReferenceDecls> {
  stage: string; // the stage's name in the spec
  kind: string;
  config: C; // parsed by the kind's configSchema (defaults applied)
  experiment: StageExperiment;
  fingerprint: string;
  outDir: string; // runs/store/<fingerprint>/: the stage may write anything here
  totalSteps: number;
  upstream: Upstream<R>; // by role, as the kind's `references` declare them
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

export interface StageKind<C = unknown, R extends ReferenceDecls = ReferenceDecls> {
  kind: string;
  describe: string;
  /** The kind's own keys (every key of the stage block but `kind`); use z.strictObject so typos are errors. */
  configSchema: z.ZodType<C>;
  /**
   * What its output offers the stages that read it (default nothing): built-in names are 'vision' (a
   * ViT), 'lm' (a language model), 'captioner' (a stage-1 TLM with its pooler), 'adapter' (a trained
   * adapter in front of a frozen LLM); a plugin may add its own.
   */
  produces?: readonly string[];
  /**
   * The config keys that name other stages, and what those must produce (default none): the edges of
   * the graph, checked when it is built. Declare them `as const` so that `ctx.upstream` is typed by them.
   */
  references?: R;
  /**
   * The parts of the experiment the stage reads (its models' definitions, data settings); they enter
   * the fingerprint. It may validate them (e.g. resolve a model preset with its overrides): a UserError
   * whose issues carry paths gets the spec's file:line:col. A path is of the stage's block (["corpus",
   * "webli"]) unless it starts with "data" or "models" (not a key of the block): then it is of the
   * document (["models", "vit", "layers"]). So for the `datasets` and `seed` hooks.
   */
  inputs?(config: C, experiment: StageExperiment): unknown;
  /** Config keys holding file paths: made absolute relative to the spec file that writes them (a command-line override: to the working directory), as data paths are. */
  pathKeys?: readonly string[];
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
  run(ctx: StageContext<C, R>): Promise<void>;
}

/** A kind whose config type is erased, as the registry holds them. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyStageKind = StageKind<any>;
