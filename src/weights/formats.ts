// The checkpoint formats `vadapter weights` reads, by name: how to recognise one from its config.json,
// the vadapter component config it becomes (a language model `lm` or a vision tower `vit`), and
// which stored tensor becomes which parameter. Adding a format = one file and one entry here.
import type { LmConfig } from '../models/lm.ts';
import type { VitConfig } from '../models/vit.ts';
import { unknownName } from '../data/names.ts';
import { userError } from '../util/errors.ts';
import { gpt2Config, gpt2Tensors } from './gpt2.ts';
import { llamaConfig, llamaTensors } from './llama.ts';
import { clipConfig, NOT_THE_VISION_TOWER, siglipConfig, visionTowerTensors } from './vision-towers.ts';

/** One parameter: its name under the component, the stored tensor it comes from, the shape vadapter keeps. */
export interface TensorMapping {
  ours: string;
  hf: string;
  shape: number[];
  transpose?: boolean; // stored [out, in] (nn.Linear), kept [in, out]
  /** Stored with this shape and its axes reordered (output axis i = stored axis axes[i]) before taking `shape` (a Conv2d kernel as a patch matrix). */
  permute?: { stored: number[]; axes: number[] };
  /** Part of a fused tensor: its last axis has `of` entries, and this parameter is the `shape`'s last size of them from `from`. */
  columns?: { from: number; of: number };
}

export type ImportedConfig = LmConfig | VitConfig;

export interface WeightFormat {
  name: string;
  describe: string;
  component: 'lm' | 'vit'; // the vadapter component kind it becomes
  matches(config: Record<string, unknown>): boolean;
  config(config: Record<string, unknown>, file: string): ImportedConfig;
  tensors(config: ImportedConfig): TensorMapping[];
  ignored?: RegExp; // stored tensors that are not weights (buffers some versions save)
  prefix?: string; // stored names may carry it (a model saved with its head keeps the base model under it)
}

/** A vision tower saved alone (`<name>_vision_model`) or inside its two-tower model (`<name>`); `skipped`: its own tensors the ViT does not use. */
function visionTower(name: string, describe: string, config: WeightFormat['config'], skipped: RegExp): WeightFormat {
  return {
    name,
    describe,
    component: 'vit',
    matches: (c) => c.model_type === name || c.model_type === `${name}_vision_model`,
    config,
    tensors: visionTowerTensors,
    ignored: new RegExp(`${NOT_THE_VISION_TOWER.source}|${skipped.source}`),
    prefix: 'vision_model.',
  };
}

export const WEIGHT_FORMATS: WeightFormat[] = [
  {
    name: 'llama',
    describe: 'Hugging Face LLaMA family (LlamaForCausalLM): RMSNorm, RoPE, SwiGLU, grouped-query attention',
    component: 'lm',
    matches: (c) => c.model_type === 'llama',
    config: llamaConfig,
    tensors: llamaTensors,
    ignored: /\.rotary_emb\.inv_freq$/,
  },
  {
    name: 'gpt2',
    describe: 'Hugging Face GPT-2 (GPT2LMHeadModel or GPT2Model): learned positions, LayerNorm, tanh GELU, Conv1D weights, fused c_attn, tied head',
    component: 'lm',
    matches: (c) => c.model_type === 'gpt2',
    config: gpt2Config,
    tensors: gpt2Tensors,
    ignored: /\.attn\.(masked_)?bias$/,
    prefix: 'transformer.',
  },
  visionTower('clip', 'Hugging Face CLIP vision tower (CLIPVisionModel, or the vision half of CLIPModel): class token, pre_layrnorm, quick_gelu', clipConfig, /^post_layernorm\./),
  visionTower('siglip', 'Hugging Face SigLIP vision tower (SiglipVisionModel, or the vision half of SiglipModel): no class token, patch bias, post_layernorm on every token', siglipConfig, /^head\./),
];

/** The format of a config: the one named (`--format`), else the one whose test it passes; an error says why none fits. */
export function resolveFormat(config: Record<string, unknown>, file: string, requested = 'auto'): WeightFormat {
  if (requested !== 'auto') {
    const f = WEIGHT_FORMATS.find((x) => x.name === requested);
    if (!f) throw unknownName('weight format', requested, ['auto', ...WEIGHT_FORMATS.map((x) => x.name)], { path: ['--format'] });
    return f;
  }
  const found = WEIGHT_FORMATS.find((f) => f.matches(config));
  if (found) return found;
  const type = typeof config.model_type === 'string' ? config.model_type : undefined;
  const supported = WEIGHT_FORMATS.map((f) => f.name).join(', ');
  throw userError('unknown_format', `no known format has model_type ${type ? `"${type}"` : '(none given)'}; importable: ${supported}`, { file, path: ['model_type'] });
}
