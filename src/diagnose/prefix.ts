// `vadapter diagnose prefix`: ceiling tests of whether a spec's frozen LLM can be steered by a
// prefix at all, on the first N examples of a caption-eval set, for a spec that has been run:
//   (a) oracle.ts      the LLM's own embeddings of a reference caption as the prefix, vs none, vs another example's
//   (b) soft-prompt.ts free vectors optimised per example on 4 references, scored on the 5th
//   (c) adapters.ts    where the caption positions attend and how the trained adapters' tokens are scaled
//   (d) qa-reading.ts  questions about sampled scenes answered with a description, a caption or nothing as the prefix
// The stages come from locate.ts (the plan's fingerprints, finished outputs only); the prompt,
// caption length and decoder mask are the alignment stages' own.
import { join } from 'node:path';
import { initBackend, resolveBackendRequest } from '../backend/index.ts';
import { readSafetensorsHeader } from '../ckpt/safetensors.ts';
import type { Assembly } from '../models/assembly.ts';
import { crossAttentionOf, type DecoderMask } from '../models/assembly-config.ts';
import { weights } from '../models/params.ts';
import type { PrefixDecoder } from '../models/vlm.ts';
import { isVlmConfigs } from '../eval/decode/step-model.ts';
import { restoreTrainedAssembly } from '../stages/assembly-io.ts';
import { CAPTION_PROMPT, DEFAULT_EVAL_SETS } from '../eval/tasks.ts';
import { evalSetDir, experimentTokenizer, framesPerExample } from '../stages/experiment-data.ts';
import { MODEL_FILE, readModelMeta } from '../ckpt/layout.ts';
import { userError } from '../util/errors.ts';
import { adapterDiagnosis, type AdapterDiagnosis, type FramesHost, type TrainedAdapter } from './adapters.ts';
import { captionFrames, captionRows, type CaptionRow } from './examples.ts';
import { locateSpec, type LocatedSpec, type TrainedStage } from './locate.ts';
import { oracleDiagnosis, type OracleResult } from './oracle.ts';
import { qaReadingDiagnosis, type QaReadingResult } from './qa-reading.ts';
import { stopWordSequences } from '../eval/evaluate-assembly.ts';
import { DEFAULT_ANSWER_STOP } from '../eval/prompts.ts';
import type { PromptEncoding } from '../stages/training/model-batches.ts';
import { softPromptDiagnosis, type SoftPromptResult } from './soft-prompt.ts';

export const MEASUREMENTS = ['oracle', 'soft', 'attention', 'qa'] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

/** The stage kinds whose trained adapters (c) inspects. */
export const ADAPTER_KINDS = ['align-adapter', 'align-resampler'];

export interface PrefixDiagnosisOptions {
  specFile: string;
  overrides: string[];
  plugins: string[];
  root: string;
  trial?: number;
  anyCode?: boolean; // accept stage outputs computed by another code version (locate.ts)
  backend?: string; // --backend; else the spec's key, else $VADAPTER_BACKEND, else auto
  set?: string; // caption-eval set under data.eval (default coco)
  limit?: number; // first N examples (default 32)
  measure?: Measurement[]; // default all four
  llm?: string; // the frozen LLM's stage (default: the adapters' `llm`)
  adapters?: string[]; // the adapter stages (c) inspects (default: every align-adapter / align-resampler stage)
  tokens?: number; // soft-prompt vectors (default: the adapters' visual tokens)
  steps?: number; // soft-prompt Adam steps (default 100)
  lr?: number; // soft-prompt learning rate (default 0.03)
  seed?: number; // soft-prompt initialisation and the QA scenes (default 0)
  scenes?: number; // (d) synthetic scenes whose questions are asked (default 40)
  maxTokens?: number; // generated tokens at most (default 24, as the evaluation)
  log?: (line: string) => void;
}

export interface PrefixDiagnosis {
  spec: string;
  experiment: string;
  trial: number;
  set: string;
  examples: number;
  code: string; // the current code version
  stages: { stage: string; kind: string; fingerprint: string; step: number; code: string }[]; // the stage outputs read (code: the version that computed each)
  llm: { stage: string; width: number; layers: number };
  encoding: { prompt: string; maxTokens: number; decoderMask: DecoderMask; from: string | null }; // from: the alignment stage they were taken from
  oracle?: OracleResult;
  soft?: SoftPromptResult;
  attention?: AdapterDiagnosis;
  qa?: QaReadingResult;
  readings: Partial<Record<Measurement, string>>;
}

interface AlignmentConfig {
  llm?: string;
  prompt?: string;
  maxTokens?: number;
  decoderMask?: DecoderMask;
}

const DEFAULTS = { limit: 32, steps: 100, lr: 0.03, seed: 0, maxTokens: 24, scenes: 40, answerTokens: 8 };

function adapterStages(spec: LocatedSpec, named?: string[]): string[] {
  const all = spec.stages.filter((s) => ADAPTER_KINDS.includes(s.kind)).map((s) => s.name);
  if (!named || named.length === 0) return all;
  for (const name of named) {
    const s = spec.stages.find((x) => x.name === name);
    if (s && !ADAPTER_KINDS.includes(s.kind)) throw userError('not_an_adapter', `stage "${name}" is a ${s.kind} stage; --adapters takes ${ADAPTER_KINDS.join(' or ')} stages`, { path: ['stages', name] });
    if (!s) spec.trained(name); // the unknown-stage error, with a did-you-mean
  }
  return named;
}

function llmStage(spec: LocatedSpec, adapters: string[], named?: string): string {
  if (named) return named;
  const fromAdapters = adapters.map((a) => (spec.stages.find((s) => s.name === a)!.config as AlignmentConfig).llm).filter((x): x is string => typeof x === 'string');
  if (fromAdapters.length > 0) return fromAdapters[0];
  const lms = spec.stages.filter((s) => s.kind === 'pretrain-lm');
  if (lms.length === 1) return lms[0].name;
  throw userError('which_llm', `name the frozen LLM's stage with --llm: no adapter stage names one, and the spec has ${lms.length} pretrain-lm stages (${lms.map((s) => s.name).join(', ') || 'none'})`, { file: spec.file });
}

/** The frozen LLM of a pretrain-lm stage's checkpoint as a PrefixDecoder. */
function restoreLlm(stage: TrainedStage, mask: DecoderMask): { assembly: Assembly; dec: PrefixDecoder } {
  const { assembly, configs } = restoreTrainedAssembly(stage.checkpoint.dir, stage.storeRoot);
  if (configs.kind !== 'lm') {
    assembly.dispose();
    throw userError('not_an_lm', `stage "${stage.name}" (${stage.kind}) trained a ${configs.kind} assembly; --llm takes a pretrain-lm stage`);
  }
  return { assembly, dec: { weights: weights(assembly.params, 'lm'), config: configs.lm, mask } };
}

/** V: the visual tokens a trained adapter produces (the queries of its resampler or pooler). */
function adapterTokens(stage: TrainedStage): number {
  const file = join(stage.checkpoint.dir, MODEL_FILE);
  const configs = readModelMeta(readSafetensorsHeader(file).metadata, file).configs;
  if (configs.kind !== 'vadapter' && configs.kind !== 'perceiver') throw userError('not_a_vlm', `stage "${stage.name}" trained a ${configs.kind} assembly, not an adapter`);
  return crossAttentionOf(configs).config.queries;
}

function encodingOf(config: AlignmentConfig | undefined, tokenizer: PromptEncoding['tokenizer']): PromptEncoding & { decoderMask: DecoderMask } {
  return { tokenizer, prompt: config?.prompt ?? CAPTION_PROMPT, maxTokens: config?.maxTokens ?? 24, decoderMask: config?.decoderMask ?? 'causal' };
}

export async function diagnosePrefix(o: PrefixDiagnosisOptions): Promise<PrefixDiagnosis> {
  const log = o.log ?? (() => {});
  const measure = new Set(o.measure && o.measure.length > 0 ? o.measure : MEASUREMENTS);
  const limit = o.limit ?? DEFAULTS.limit;
  const spec = await locateSpec({ specFile: o.specFile, overrides: o.overrides, plugins: o.plugins, root: o.root, trial: o.trial, anyCode: o.anyCode, log });
  const adapterNames = adapterStages(spec, o.adapters);
  const llmName = llmStage(spec, adapterNames, o.llm);

  // Every stage needed is located before anything heavy runs: one not run is an error now.
  const llm = spec.trained(llmName, 'the frozen LLM');
  const inspected = measure.has('attention') ? adapterNames.map((a) => spec.trained(a, 'an adapter to inspect')) : [];
  let tokens = o.tokens;
  const used = [llm, ...inspected];
  if (measure.has('soft') && tokens === undefined) {
    if (adapterNames.length === 0) throw userError('which_tokens', 'pass --tokens: the spec has no adapter stage to take the number of visual tokens from', { file: spec.file });
    const first = inspected[0] ?? spec.trained(adapterNames[0], 'its number of visual tokens sets --tokens');
    if (!used.includes(first)) used.push(first);
    tokens = adapterTokens(first);
  }

  const experiment = spec.experiment;
  const set = o.set ?? DEFAULT_EVAL_SETS.caption;
  const dir = evalSetDir(experiment, set, ['data', 'eval']);
  const tokenizer = experimentTokenizer(experiment);
  const firstAdapter = adapterNames[0];
  const encoding = encodingOf(firstAdapter ? (spec.stages.find((s) => s.name === firstAdapter)!.config as AlignmentConfig) : undefined, tokenizer);
  const rows = await captionRows(dir, limit, measure.has('soft') ? 5 : 2);

  await initBackend(resolveBackendRequest(o.backend ?? (experiment.backend !== 'auto' ? experiment.backend : undefined), o.backend ? '--backend' : 'backend'));
  const { assembly, dec } = restoreLlm(llm, encoding.decoderMask);
  try {
    if (dec.config.vocab < tokenizer.vocabSize) throw userError('vocab_too_small', `the LLM's vocab ${dec.config.vocab} is smaller than the tokenizer's ${tokenizer.vocabSize} tokens`);
    const out: PrefixDiagnosis = {
      spec: spec.file, experiment: spec.name, trial: spec.trial, set, examples: rows.length,
      code: spec.code,
      stages: used.map((s) => ({ stage: s.name, kind: s.kind, fingerprint: s.fingerprint, step: s.checkpoint.step, code: s.code })),
      llm: { stage: llm.name, width: dec.config.width, layers: dec.config.layers },
      encoding: { prompt: encoding.prompt, maxTokens: encoding.maxTokens, decoderMask: encoding.decoderMask, from: firstAdapter ?? null },
      readings: {},
    };
    if (measure.has('oracle')) {
      log(`(a) oracle prefix: ${rows.length} examples`);
      out.oracle = await oracleDiagnosis(dec, encoding, rows, { generate: { maxTokens: o.maxTokens ?? DEFAULTS.maxTokens } });
      out.readings.oracle = out.oracle.reading;
    }
    if (measure.has('soft')) {
      const steps = o.steps ?? DEFAULTS.steps;
      log(`(b) soft prompts: ${tokens} vectors, ${steps} steps, ${rows.length} examples`);
      out.soft = await softPromptDiagnosis(dec, encoding, rows, {
        tokens: tokens!, steps, lr: o.lr ?? DEFAULTS.lr, seed: o.seed ?? DEFAULTS.seed,
        onChunk: (first, count, loss) => log(`  examples ${first + 1}-${first + count}: training loss ${loss.toFixed(3)} after ${steps} steps`),
      });
      out.readings.soft = out.soft.reading;
    }
    if (measure.has('attention')) {
      log(`(c) attention and scale: ${inspected.map((s) => s.name).join(', ') || 'no adapters'}`);
      out.attention = await inspectAdapters(inspected, dir, framesPerExample(experiment), dec, encoding, rows);
      out.readings.attention = out.attention.reading;
    }
    if (measure.has('qa')) {
      const scenes = o.scenes ?? DEFAULTS.scenes;
      log(`(d) QA reading: the questions of ${scenes} sampled scenes`);
      out.qa = await qaReadingDiagnosis(dec, tokenizer, {
        scenes, seed: o.seed ?? DEFAULTS.seed, maxTokens: DEFAULTS.answerTokens, stopSequences: stopWordSequences(tokenizer, DEFAULT_ANSWER_STOP),
        onScene: (done, total) => { if (done % 10 === 0 || done === total) log(`  scenes ${done}/${total}`); },
      });
      out.readings.qa = out.qa.reading;
    }
    return out;
  } finally {
    assembly.dispose();
  }
}

/** (c): each adapter restored from its checkpoint, fed the examples' frames at its ViT's image size. */
async function inspectAdapters(stages: TrainedStage[], dir: string, frames: number, dec: PrefixDecoder, encoding: PromptEncoding, rows: CaptionRow[]): Promise<AdapterDiagnosis> {
  const restored: Assembly[] = [];
  const framesBySize = new Map<number, FramesHost>();
  try {
    const items: { adapter: TrainedAdapter; frames: FramesHost }[] = [];
    for (const s of stages) {
      const { assembly, configs } = restoreTrainedAssembly(s.checkpoint.dir, s.storeRoot);
      restored.push(assembly);
      if (!isVlmConfigs(configs)) throw userError('not_a_vlm', `stage "${s.name}" (${s.kind}) trained a ${configs.kind} assembly, which does not read frames`);
      const size = configs.vit.image;
      if (!framesBySize.has(size)) framesBySize.set(size, await captionFrames(dir, rows.length, frames, size));
      items.push({ adapter: { stage: s.name, kind: s.kind, step: s.checkpoint.step, params: assembly.params, configs, encoding: encodingOf(s.config as AlignmentConfig, encoding.tokenizer) }, frames: framesBySize.get(size)! });
    }
    return await adapterDiagnosis(dec, encoding, rows, items);
  } finally {
    for (const a of restored) a.dispose();
  }
}
