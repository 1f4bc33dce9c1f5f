// The checkpoint formats `vadapter weights` reads, by name: how to recognise one from its config.json,
// the vadapter component config it becomes, and which stored tensor becomes which parameter. Adding a
// format = one file and one entry here. Formats recognised but not importable yet say so.
import type { LmConfig } from '../models/lm.ts';
import { unknownName } from '../data/names.ts';
import { userError } from '../util/errors.ts';
import { gpt2Config, gpt2Tensors } from './gpt2.ts';
import { llamaConfig, llamaTensors } from './llama.ts';

/** One parameter: its name under the component, the stored tensor it comes from, the shape vadapter keeps. */
export interface TensorMapping {
  ours: string;
  hf: string;
  shape: number[];
  transpose?: boolean; // stored [out, in] (nn.Linear), kept [in, out]
  /** Part of a fused tensor: its last axis has `of` entries, and this parameter is the `shape`'s last size of them from `from`. */
  columns?: { from: number; of: number };
}

export interface WeightFormat {
  name: string;
  describe: string;
  component: 'lm'; // the vadapter component kind it becomes
  matches(config: Record<string, unknown>): boolean;
  config(config: Record<string, unknown>, file: string): LmConfig;
  tensors(config: LmConfig): TensorMapping[];
  ignored?: RegExp; // stored tensors that are not weights (buffers some versions save)
  prefix?: string; // stored names may carry it (a model saved with its head keeps the base model under it)
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
];

/** model_type values recognised but not importable yet. */
const NOT_YET: Record<string, string> = {
  clip: 'Hugging Face CLIP',
  clip_vision_model: 'Hugging Face CLIP vision tower',
  siglip: 'Hugging Face SigLIP',
  siglip_vision_model: 'Hugging Face SigLIP vision tower',
};

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
  if (type && NOT_YET[type]) throw userError('unsupported_format', `recognised as ${NOT_YET[type]} (model_type "${type}"), which vadapter cannot import yet; importable: ${supported}`, { file, path: ['model_type'] });
  throw userError('unknown_format', `no known format has model_type ${type ? `"${type}"` : '(none given)'}; importable: ${supported}`, { file, path: ['model_type'] });
}
