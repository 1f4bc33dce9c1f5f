// The Hugging Face LLaMA layout (LlamaForCausalLM; model_type "llama") as vadapter's LM: RMSNorm,
// RoPE over split halves (HF's rotate_half, as models/attention.ts rotates) with `rope_theta`, SwiGLU,
// grouped-query attention (query head h reads key/value head floor(h / (heads / kvHeads)) in both),
// no biases; the output head tied to the token embedding or its own `lm_head`. nn.Linear stores
// [out, in]; vadapter's dense weights are [in, out], so every projection is transposed.
import { lmConfigSchema, type LmConfig } from '../models/lm.ts';
import { userError } from '../util/errors.ts';
import { fitConfig, num, type HfConfig as Config } from './config-fields.ts';
import type { TensorMapping } from './formats.ts';

function ropeTheta(c: Config, file: string): number {
  const params = c.rope_parameters as Config | undefined; // transformers >= 5
  const scaling = (c.rope_scaling ?? null) as Config | null;
  const type = params?.rope_type ?? scaling?.rope_type ?? scaling?.type ?? 'default';
  if (type !== 'default') throw userError('unsupported_config', `rope type "${String(type)}" is not supported (only the default RoPE)`, { file, path: ['rope_parameters'] });
  return typeof params?.rope_theta === 'number' ? params.rope_theta : typeof c.rope_theta === 'number' ? c.rope_theta : 10000;
}

/** The LM config of a LLaMA config.json; what vadapter's LM cannot express is an error naming the key. */
export function llamaConfig(c: Config, file: string): LmConfig {
  const act = c.hidden_act ?? 'silu';
  if (act !== 'silu') throw userError('unsupported_config', `hidden_act "${String(act)}": vadapter's LM has SwiGLU (silu) only`, { file, path: ['hidden_act'] });
  for (const key of ['attention_bias', 'mlp_bias']) if (c[key] === true) throw userError('unsupported_config', `${key}: vadapter's LM has no biases`, { file, path: [key] });
  const width = num(c, 'hidden_size', file);
  const heads = num(c, 'num_attention_heads', file);
  if (typeof c.head_dim === 'number' && c.head_dim * heads !== width) throw userError('unsupported_config', `head_dim ${c.head_dim} x ${heads} heads != hidden_size ${width}`, { file, path: ['head_dim'] });
  return fitConfig(lmConfigSchema, {
    vocab: num(c, 'vocab_size', file),
    width,
    layers: num(c, 'num_hidden_layers', file),
    heads,
    kvHeads: typeof c.num_key_value_heads === 'number' ? c.num_key_value_heads : heads,
    mlp: num(c, 'intermediate_size', file),
    norm: 'rms' as const,
    parallel: false,
    ropeBase: ropeTheta(c, file),
    tiedHead: c.tie_word_embeddings === true,
    normEps: typeof c.rms_norm_eps === 'number' ? c.rms_norm_eps : 1e-6,
  }, 'LM', file);
}

/** vadapter name (under `lm.`) <- HF name, with the shape vadapter stores. */
export function llamaTensors(c: LmConfig): TensorMapping[] {
  const hd = c.width / c.heads;
  const linear = (ours: string, hf: string, inDim: number, outDim: number): TensorMapping => ({ ours, hf, shape: [inDim, outDim], transpose: true });
  const out: TensorMapping[] = [{ ours: 'embed.weight', hf: 'model.embed_tokens.weight', shape: [c.vocab, c.width] }];
  for (let i = 0; i < c.layers; i++) {
    const p = `model.layers.${i}`;
    const b = `blocks.${i}`;
    out.push(
      { ours: `${b}.ln1.scale`, hf: `${p}.input_layernorm.weight`, shape: [c.width] },
      { ours: `${b}.ln2.scale`, hf: `${p}.post_attention_layernorm.weight`, shape: [c.width] },
      linear(`${b}.attn.q.weight`, `${p}.self_attn.q_proj.weight`, c.width, c.heads * hd),
      linear(`${b}.attn.k.weight`, `${p}.self_attn.k_proj.weight`, c.width, c.kvHeads * hd),
      linear(`${b}.attn.v.weight`, `${p}.self_attn.v_proj.weight`, c.width, c.kvHeads * hd),
      linear(`${b}.attn.o.weight`, `${p}.self_attn.o_proj.weight`, c.heads * hd, c.width),
      linear(`${b}.mlp.gate.weight`, `${p}.mlp.gate_proj.weight`, c.width, c.mlp),
      linear(`${b}.mlp.up.weight`, `${p}.mlp.up_proj.weight`, c.width, c.mlp),
      linear(`${b}.mlp.down.weight`, `${p}.mlp.down_proj.weight`, c.mlp, c.width),
    );
  }
  out.push({ ours: 'ln.scale', hf: 'model.norm.weight', shape: [c.width] });
  if (c.tiedHead === false) out.push({ ours: 'head.weight', hf: 'lm_head.weight', shape: [c.vocab, c.width] });
  return out;
}
