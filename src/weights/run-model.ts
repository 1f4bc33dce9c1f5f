// `vadapter model run`: a checkpoint's model on inputs from a safetensors file, outputs to another,
// named as Hugging Face names them so that an import can be checked against the original: an LM
// (`lm` component) maps `input_ids` (int32 or int64 [B, T]) to `logits` (float32 [B, T, vocab]).
import * as tf from '@tensorflow/tfjs-core';
import { checkpointConfigs } from '../ckpt/layout.ts';
import { readSafetensors, writeSafetensors, type TensorRecord } from '../ckpt/safetensors.ts';
import { lmConfigSchema, lmForward, lmLogits, initLm, type LmConfig } from '../models/lm.ts';
import { weights } from '../models/params.ts';
import { userError } from '../util/errors.ts';

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

/** Run checkpoint `ckpt` on `inputs` and write the outputs to `out`; returns their shapes. */
export function runModel(ckpt: string, inputs: string, out: string): Record<string, number[]> {
  const model = readSafetensors(ckpt);
  const parsed = lmConfigSchema.safeParse(checkpointConfigs(model.metadata).lm);
  if (!parsed.success) throw userError('unsupported_checkpoint', 'model run takes a checkpoint with an "lm" component (e.g. from vadapter weights import of a LLaMA or GPT-2 model)', { file: ckpt });
  const config = parsed.data;
  const params = initLm(config, 0);
  for (const [name, v] of params) {
    const t = model.tensors[`lm.${name}`];
    if (!t || t.dtype !== 'F32') throw userError('missing_tensor', `no float32 tensor "lm.${name}"`, { file: ckpt, path: [`lm.${name}`] });
    v.assign(tf.tensor(new Float32Array(t.data.slice().buffer), t.shape));
  }
  const input = readSafetensors(inputs).tensors;
  const logits = tf.tidy(() => {
    const w = weights(params);
    return lmLogits(w, lmForward(w, config, { ids: ids(input.input_ids, inputs, config) }).hidden);
  });
  const values = logits.dataSync() as Float32Array;
  writeSafetensors(out, { logits: { dtype: 'F32', shape: logits.shape, data: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) } });
  const shapes = { logits: logits.shape };
  logits.dispose();
  for (const v of params.values()) v.dispose();
  return shapes;
}
