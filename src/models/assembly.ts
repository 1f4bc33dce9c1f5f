// Assemblies: the models a stage trains, each with its parameters (named by component), the names
// the optimizer updates (the rest are frozen), and its loss.
//   lm          language-only pretraining: lm.*
//   contrastive ViT pretraining (CLIP-style): vit.*, text.*, proj.* [, pooler.* with CoCa's captioning loss]
//   captioner   progressive stage 1: frozen vit -> pooler -> tlm (decoder)        trains pooler, tlm
//   vadapter    progressive stage 2: frozen vit -> fc_in -> resampler -> tlm -> fc_out -> frozen llm
//                                                                                trains fc_in, resampler, tlm, fc_out
//               (Table 4's pooler arm: frozen vit -> pooler -> tlm -> fc_out -> frozen llm; trains pooler, tlm, fc_out)
//   perceiver   baseline: frozen vit -> [fc_in] -> resampler -> fc_out -> frozen llm   trains [fc_in], resampler, fc_out
// Pretrained components come in with ckpt/params.ts `loadComponent` (e.g. `lm.*` into `tlm.*`).
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '../util/rng.ts';
import { crossAttentionOf, type AssemblyConfigs, type AssemblyKind } from './assembly-config.ts';
import { type ContrastiveBatch, clipLoss, initProjections } from './contrastive.ts';
import { initDense } from './layers.ts';
import { initLm, lmForward, lmLogits } from './lm.ts';
import { maskedCrossEntropy } from './losses.ts';
import { ParamFactory, weights, type Params, disposeParams } from './params.ts';
import { initPooler } from './pooler.ts';
import { initResampler } from './resampler.ts';
import { initVit } from './vit.ts';
import { type CaptionBatch, captionLoss } from './vlm.ts';

export interface LmBatch {
  ids: tf.Tensor; // [B, N] int32, padded on the right
  mask: tf.Tensor; // [B, N], 1 = real token
}

export interface BatchOf {
  lm: LmBatch;
  contrastive: ContrastiveBatch;
  captioner: CaptionBatch;
  vadapter: CaptionBatch;
  perceiver: CaptionBatch;
}

export interface Assembly<K extends AssemblyKind = AssemblyKind> {
  configs: Extract<AssemblyConfigs, { kind: K }>; // resolved; goes into checkpoint metadata (ckpt/params.ts configMetadata)
  params: Params;
  components: Record<string, string[]>; // component -> its parameter names
  trainable: string[]; // names the optimizer updates; every other parameter is frozen
  loss(batch: BatchOf[K]): tf.Scalar; // call inside tf.variableGrads / tf.tidy
  dispose(): void;
}

type Init = (f: ParamFactory) => void;

/** Each component's initialiser, in parameter order. */
function componentInits(c: AssemblyConfigs): Record<string, Init> {
  switch (c.kind) {
    case 'lm':
      return { lm: (f) => initLm(c.lm, 0, f) };
    case 'contrastive':
      return {
        vit: (f) => initVit(c.vit, 0, f),
        text: (f) => initLm(c.text, 0, f),
        proj: (f) => initProjections(f, c),
        ...(c.captioning ? { pooler: (f: ParamFactory) => initPooler(c.captioning!.pooler, 0, f) } : {}),
      };
    case 'captioner':
      return { vit: (f) => initVit(c.vit, 0, f), pooler: (f) => initPooler(c.pooler, 0, f), tlm: (f) => initLm(c.tlm, 0, f) };
    case 'vadapter':
      return {
        vit: (f) => initVit(c.vit, 0, f),
        ...adapterFrontInits(c),
        tlm: (f) => initLm(c.tlm, 0, f),
        fc_out: (f) => initDense(f, '', c.tlm.width, c.llm.width),
        llm: (f) => initLm(c.llm, 0, f),
      };
    case 'perceiver':
      return {
        vit: (f) => initVit(c.vit, 0, f),
        ...(c.vit.width === c.resampler.width ? {} : { fc_in: (f: ParamFactory) => initDense(f, '', c.vit.width, c.resampler.width) }),
        resampler: (f) => initResampler(c.resampler, 0, f),
        fc_out: (f) => initDense(f, '', c.resampler.width, c.llm.width),
        llm: (f) => initLm(c.llm, 0, f),
      };
  }
}

/** The VAdapter's module in front of the TLM: fc_in + resampler, or a pooler (whose k/v read the ViT's width). */
function adapterFrontInits(c: Extract<AssemblyConfigs, { kind: 'vadapter' }>): Record<string, Init> {
  const front = crossAttentionOf(c);
  if (front.component === 'pooler') return { pooler: (f) => initPooler(front.config, 0, f) };
  return { fc_in: (f) => initDense(f, '', c.vit.width, front.config.width), resampler: (f) => initResampler(front.config, 0, f) };
}

/** Components an assembly keeps frozen (pretrained elsewhere). */
export const FROZEN_COMPONENTS: Record<AssemblyKind, string[]> = { lm: [], contrastive: [], captioner: ['vit'], vadapter: ['vit', 'llm'], perceiver: ['vit', 'llm'] };

/** Parameters the loss never reads, with their sizes: the TLM's token embedding when the TLM is an adapter fed embeddings. */
export function unusedParams(c: AssemblyConfigs): Map<string, number> {
  return c.kind === 'vadapter' ? new Map([['tlm.embed.weight', c.tlm.vocab * c.tlm.width]]) : new Map();
}

/** Parameters of every component, each component seeded by Rng.derive(seed, its name). */
export function initAssembly(c: AssemblyConfigs, seed: number): { params: Params; components: Record<string, string[]> } {
  const params: Params = new Map();
  const components: Record<string, string[]> = {};
  for (const [name, init] of Object.entries(componentInits(c))) {
    const before = new Set(params.keys());
    init(new ParamFactory(Rng.derive(seed, name).seed(), name, params));
    components[name] = [...params.keys()].filter((k) => !before.has(k));
  }
  return { params, components };
}

function lmLoss(params: Params, c: Extract<AssemblyConfigs, { kind: 'lm' }>, batch: LmBatch): tf.Scalar {
  const w = weights(params, 'lm');
  const n = batch.ids.shape[1]!;
  const b = batch.ids.shape[0];
  const inputs = tf.slice(batch.ids, [0, 0], [b, n - 1]); // [B, N-1]
  const hidden = lmForward(w, c.lm, { ids: inputs, mask: tf.slice(batch.mask, [0, 0], [b, n - 1]) }).hidden; // [B, N-1, width]
  return maskedCrossEntropy(lmLogits(w, hidden), tf.slice(batch.ids, [0, 1], [b, n - 1]), tf.slice(batch.mask, [0, 1], [b, n - 1]));
}

function lossOf(c: AssemblyConfigs, params: Params): (batch: never) => tf.Scalar {
  switch (c.kind) {
    case 'lm':
      return (batch: LmBatch) => lmLoss(params, c, batch);
    case 'contrastive':
      return (batch: ContrastiveBatch) => clipLoss(params, c, batch);
    default:
      return (batch: CaptionBatch) => captionLoss(params, c, batch);
  }
}

/** Build an assembly from resolved configs (see resolveAssembly) with freshly initialised parameters. */
export function buildAssembly<K extends AssemblyKind>(configs: Extract<AssemblyConfigs, { kind: K }>, seed: number): Assembly<K> {
  const { params, components } = initAssembly(configs, seed);
  const frozen = new Set(FROZEN_COMPONENTS[configs.kind]);
  const unused = unusedParams(configs);
  const trainable = Object.entries(components)
    .filter(([name]) => !frozen.has(name))
    .flatMap(([, names]) => names)
    .filter((n) => !unused.has(n));
  return { configs, params, components, trainable, loss: lossOf(configs, params) as Assembly<K>['loss'], dispose: () => disposeParams(params) };
}
