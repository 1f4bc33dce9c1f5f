// Hugging Face's CLIP and SigLIP vision towers as vadapter's ViT. Both are pre-LN transformers with
// a Conv2d patch embedding (stored [width, 3, p, p]; vadapter's patch matrix is [(row, col, channel)
// of the patch, width]), learned positions and nn.Linear projections (stored [out, in], transposed).
// CLIP puts a class token first, normalises before the blocks (`pre_layrnorm`), has no patch bias,
// uses quick_gelu, and its `last_hidden_state` is the encoder output without `post_layernorm` (which
// only the pooled class token gets). SigLIP has no class token, a patch bias, tanh GELU, and applies
// `post_layernorm` to every token. A tower saved alone and one inside a two-tower checkpoint are
// both under `vision_model.`; the text tower, the projections and SigLIP's pooling head are skipped.
// Pixel normalisation comes from preprocessor_config.json beside config.json when there is one.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { vitConfigSchema, type VitConfig } from '../models/vit.ts';
import { userError } from '../util/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { fitConfig, num, type HfConfig } from './config-fields.ts';
import type { TensorMapping } from './formats.ts';

type Rgb = [number, number, number];
type Tower = 'clip' | 'siglip';

const DEFAULTS: Record<Tower, { act: string; eps: number; mean: Rgb; std: Rgb; image: number; patch: number }> = {
  clip: { act: 'quick_gelu', eps: 1e-5, mean: [0.48145466, 0.4578275, 0.40821073], std: [0.26862954, 0.26130258, 0.27577711], image: 224, patch: 32 },
  siglip: { act: 'gelu_pytorch_tanh', eps: 1e-6, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5], image: 224, patch: 16 },
};

/** Hugging Face's hidden_act -> vadapter's GELU variant. */
const ACTIVATIONS: Record<string, VitConfig['activation']> = { quick_gelu: 'quick_gelu', gelu: 'gelu_exact', gelu_new: 'gelu', gelu_pytorch_tanh: 'gelu' };

/** The tower's own config: `vision_config` of a two-tower config, or the config itself. */
function visionConfig(c: HfConfig, file: string): HfConfig {
  if (c.model_type === 'clip' || c.model_type === 'siglip') {
    const v = c.vision_config;
    if (v === null || typeof v !== 'object') throw userError('bad_config', 'a two-tower config needs a "vision_config" object', { file, path: ['vision_config'] });
    return v as HfConfig;
  }
  return c;
}

function rgb(v: unknown, fallback: Rgb): Rgb {
  return Array.isArray(v) && v.length === 3 && v.every((x) => typeof x === 'number') ? (v as Rgb) : fallback;
}

function towerConfig(tower: Tower, c: HfConfig, file: string): VitConfig {
  const v = visionConfig(c, file);
  const at = v === c ? [] : ['vision_config'];
  const d = DEFAULTS[tower];
  const act = String(v.hidden_act ?? d.act);
  const activation = ACTIVATIONS[act];
  if (!activation) throw userError('unsupported_config', `hidden_act "${act}": vadapter's ViT has ${Object.keys(ACTIVATIONS).join(', ')}`, { file, path: [...at, 'hidden_act'] });
  if (num(v, 'num_channels', file, { fallback: 3, at }) !== 3) throw userError('unsupported_config', 'num_channels: vadapter reads RGB (3 channels)', { file, path: [...at, 'num_channels'] });
  const preprocessor = join(dirname(file), 'preprocessor_config.json');
  const pre = existsSync(preprocessor) ? (readJsonFile(preprocessor) as HfConfig) : {};
  const width = num(v, 'hidden_size', file, { fallback: 768, at });
  const config = {
    image: num(v, 'image_size', file, { fallback: d.image, at }),
    patch: num(v, 'patch_size', file, { fallback: d.patch, at }),
    width,
    layers: num(v, 'num_hidden_layers', file, { fallback: 12, at }),
    heads: num(v, 'num_attention_heads', file, { fallback: 12, at }),
    mlp: num(v, 'intermediate_size', file, { fallback: 3072, at }),
    ...(tower === 'clip' ? { classToken: true, patchBias: false, preNorm: true, finalNorm: false } : {}),
    activation,
    normEps: num(v, 'layer_norm_eps', file, { fallback: d.eps, at }),
    mean: rgb(pre.image_mean, d.mean),
    std: rgb(pre.image_std, d.std),
  };
  return fitConfig(vitConfigSchema, config, 'ViT', file);
}

export const clipConfig = (c: HfConfig, file: string) => towerConfig('clip', c, file);
export const siglipConfig = (c: HfConfig, file: string) => towerConfig('siglip', c, file);

/** vadapter name (under `vit.`) <- HF name (without `vision_model.`), with the shape vadapter stores. */
export function visionTowerTensors(c: VitConfig): TensorMapping[] {
  const w = c.width;
  const pp3 = c.patch * c.patch * 3;
  const linear = (ours: string, hf: string, inDim: number, outDim: number): TensorMapping[] => [
    { ours: `${ours}.weight`, hf: `${hf}.weight`, shape: [inDim, outDim], transpose: true },
    { ours: `${ours}.bias`, hf: `${hf}.bias`, shape: [outDim] },
  ];
  const norm = (ours: string, hf: string): TensorMapping[] => [
    { ours: `${ours}.scale`, hf: `${hf}.weight`, shape: [w] },
    { ours: `${ours}.bias`, hf: `${hf}.bias`, shape: [w] },
  ];
  const out: TensorMapping[] = [
    { ours: 'patch.weight', hf: 'embeddings.patch_embedding.weight', shape: [pp3, w], permute: { stored: [w, 3, c.patch, c.patch], axes: [2, 3, 1, 0] } },
    ...(c.patchBias === false ? [] : [{ ours: 'patch.bias', hf: 'embeddings.patch_embedding.bias', shape: [w] }]),
    ...(c.classToken ? [{ ours: 'cls', hf: 'embeddings.class_embedding', shape: [w] }] : []),
    { ours: 'pos', hf: 'embeddings.position_embedding.weight', shape: [(c.image / c.patch) ** 2 + (c.classToken ? 1 : 0), w] },
    ...(c.preNorm ? norm('ln_pre', 'pre_layrnorm') : []),
  ];
  for (let i = 0; i < c.layers; i++) {
    const p = `encoder.layers.${i}`;
    const b = `blocks.${i}`;
    out.push(...norm(`${b}.ln1`, `${p}.layer_norm1`), ...norm(`${b}.ln2`, `${p}.layer_norm2`));
    for (const [ours, hf] of [['q', 'q_proj'], ['k', 'k_proj'], ['v', 'v_proj'], ['o', 'out_proj']]) out.push(...linear(`${b}.attn.${ours}`, `${p}.self_attn.${hf}`, w, w));
    out.push(...linear(`${b}.mlp.fc1`, `${p}.mlp.fc1`, w, c.mlp), ...linear(`${b}.mlp.fc2`, `${p}.mlp.fc2`, c.mlp, w));
  }
  if (c.finalNorm !== false) out.push(...norm('ln', 'post_layernorm'));
  return out;
}

/** What a vision tower's checkpoint also holds and vadapter does not need (names as stored). */
export const NOT_THE_VISION_TOWER = /^(text_model\.|visual_projection\.|text_projection\.|logit_scale$|logit_bias$)|position_ids$/;
