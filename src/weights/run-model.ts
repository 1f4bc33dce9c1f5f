// `vadapter model run`: a checkpoint's model on inputs from a safetensors file, outputs to another,
// named as Hugging Face names them so that an import can be checked against the original: an LM
// (`lm` component) maps `input_ids` (int32 or int64 [B, T]) to `logits` (float32 [B, T, vocab]); a
// vision tower (`vit`) maps `pixel_values` (float32 [B, 3, H, W], normalised as HF's processor
// does) to `last_hidden_state` (float32 [B, tokens, width]).
import * as tf from '@tensorflow/tfjs-core';
import { checkpointConfigs } from '../ckpt/layout.ts';
import { loadComponent } from '../ckpt/params.ts';
import { readSafetensors, writeSafetensors, type SafetensorsContents, type TensorRecord } from '../ckpt/safetensors.ts';
import { lmConfigSchema, lmForward, lmLogits, initLm, type LmConfig } from '../models/lm.ts';
import { ParamFactory, weights, type Params } from '../models/params.ts';
import { applyVitToPixels, initVit, vitConfigSchema, vitTokens, type VitConfig } from '../models/vit.ts';
import { userError } from '../util/errors.ts';

type Tensors = Record<string, TensorRecord>;

function ids(t: TensorRecord | undefined, file: string, config: LmConfig): tf.Tensor2D {
  const vocab = config.vocab;
  if (!t) throw userError('missing_tensor', 'no "input_ids" tensor (int32 or int64 [batch, tokens])', { file, path: ['input_ids'] });
  if (t.shape.length !== 2) throw userError('bad_input', `input_ids must be [batch, tokens], got [${t.shape.join(', ')}]`, { file, path: ['input_ids'] });
  if (config.maxPositions !== undefined && t.shape[1] > config.maxPositions) throw userError('bad_input', `input_ids has ${t.shape[1]} tokens; the model's learned table has ${config.maxPositions} positions`, { file, path: ['input_ids'] });
  const n = t.shape[0] * t.shape[1];
  const view = new DataView(t.data.buffer, t.data.byteOffset, t.data.byteLength);
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const v = t.dtype === 'I64' ? Number(view.getBigInt64(i * 8, true)) : t.dtype === 'I32' ? view.getInt32(i * 4, true) : NaN;
    if (Number.isNaN(v)) throw userError('bad_dtype', `input_ids has dtype ${t.dtype}; expected I32 or I64`, { file, path: ['input_ids'] });
    if (v < 0 || v >= vocab) throw userError('bad_input', `token id ${v} at position ${i} is outside the vocabulary (0..${vocab - 1})`, { file, path: ['input_ids'] });
    values[i] = v;
  }
  return tf.tensor2d(values, [t.shape[0], t.shape[1]], 'int32');
}

/** pixel_values [B, 3, H, W] float32 -> [B, 1, H, W, 3] (one frame each, channels last). */
function pixels(t: TensorRecord | undefined, file: string, config: VitConfig): tf.Tensor {
  const want = `[batch, 3, ${config.image}, ${config.image}]`;
  if (!t) throw userError('missing_tensor', `no "pixel_values" tensor (float32 ${want})`, { file, path: ['pixel_values'] });
  if (t.dtype !== 'F32') throw userError('bad_dtype', `pixel_values has dtype ${t.dtype}; expected F32`, { file, path: ['pixel_values'] });
  const [b, c, h, w] = t.shape;
  if (t.shape.length !== 4 || c !== 3 || h !== config.image || w !== config.image) throw userError('bad_input', `pixel_values must be ${want}, got [${t.shape.join(', ')}]`, { file, path: ['pixel_values'] });
  const nchw = tf.tensor4d(new Float32Array(t.data.slice().buffer), [b, c, h, w]);
  return tf.expandDims(tf.transpose(nchw, [0, 2, 3, 1]), 1);
}

/** The outputs of the checkpoint's model on `input`, by Hugging Face's names. */
function forward(model: SafetensorsContents, ckpt: string, input: Tensors, inputs: string): { params: Params; outputs: Record<string, tf.Tensor> } {
  const configs = checkpointConfigs(model.metadata);
  const load = (params: Params, component: string) => {
    loadComponent(params, model, ckpt, { component, config: configs[component] });
    return params;
  };
  const lm = lmConfigSchema.safeParse(configs.lm);
  if (lm.success) {
    const params = load(initLm(lm.data, 0, new ParamFactory(0, 'lm')), 'lm');
    const w = weights(params, 'lm');
    return { params, outputs: { logits: tf.tidy(() => lmLogits(w, lmForward(w, lm.data, { ids: ids(input.input_ids, inputs, lm.data) }).hidden)) } };
  }
  const vit = vitConfigSchema.safeParse(configs.vit);
  if (vit.success) {
    const params = load(initVit(vit.data, 0, new ParamFactory(0, 'vit')), 'vit');
    const w = weights(params, 'vit');
    const hidden = tf.tidy(() => {
      const x = applyVitToPixels(w, vit.data, pixels(input.pixel_values, inputs, vit.data)); // [B, 1, tokens, width]
      return tf.reshape(x, [x.shape[0], vitTokens(vit.data), vit.data.width]);
    });
    return { params, outputs: { last_hidden_state: hidden } };
  }
  throw userError('unsupported_checkpoint', 'model run takes a checkpoint with an "lm" or a "vit" component (e.g. from vadapter weights import)', { file: ckpt });
}

/** Run checkpoint `ckpt` on `inputs` and write the outputs to `out`; returns their shapes. */
export function runModel(ckpt: string, inputs: string, out: string): Record<string, number[]> {
  const model = readSafetensors(ckpt);
  const { params, outputs } = forward(model, ckpt, readSafetensors(inputs).tensors, inputs);
  const records: Tensors = {};
  const shapes: Record<string, number[]> = {};
  for (const [name, t] of Object.entries(outputs)) {
    const values = t.dataSync() as Float32Array;
    records[name] = { dtype: 'F32', shape: t.shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
    shapes[name] = t.shape;
    t.dispose();
  }
  writeSafetensors(out, records);
  for (const v of params.values()) v.dispose();
  return shapes;
}
