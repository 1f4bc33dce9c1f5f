// The Hugging Face GPT-2 layout (GPT2LMHeadModel / GPT2Model; model_type "gpt2") as vadapter's LM:
// learned absolute positions (`wpe`), pre-LayerNorm blocks with biases, tanh-approximated GELU, the
// output head tied to the token embedding. GPT-2's projections are Conv1D modules, which store their
// weight [in, out], as vadapter does, so nothing is transposed; the fused query/key/value projection
// `c_attn` ([width, 3 width], columns q | k | v) is split into vadapter's three. A model saved with
// its head puts the base model under `transformer.`; one saved alone does not: both import.
import { lmConfigSchema, type LmConfig } from '../models/lm.ts';
import { userError } from '../util/errors.ts';
import { fitConfig, num, type HfConfig } from './config-fields.ts';
import type { TensorMapping } from './formats.ts';

/** activation_function values that are the tanh approximation vadapter's GELU computes. */
const TANH_GELU = ['gelu_new', 'gelu_pytorch_tanh'];

/** The LM config of a GPT-2 config.json; what vadapter's LM cannot express is an error naming the key. */
export function gpt2Config(c: HfConfig, file: string): LmConfig {
  const act = c.activation_function ?? 'gelu_new';
  if (!TANH_GELU.includes(String(act))) throw userError('unsupported_config', `activation_function "${String(act)}": vadapter's GELU is the tanh approximation (${TANH_GELU.join(', ')})`, { file, path: ['activation_function'] });
  if (c.scale_attn_weights === false) throw userError('unsupported_config', 'scale_attn_weights false: vadapter always scales attention by 1/sqrt(head dim)', { file, path: ['scale_attn_weights'] });
  if (c.scale_attn_by_inverse_layer_idx === true) throw userError('unsupported_config', 'scale_attn_by_inverse_layer_idx: not supported', { file, path: ['scale_attn_by_inverse_layer_idx'] });
  if (c.tie_word_embeddings === false) throw userError('unsupported_config', 'tie_word_embeddings false: GPT-2 ties its head', { file, path: ['tie_word_embeddings'] });
  const width = num(c, 'n_embd', file);
  const heads = num(c, 'n_head', file);
  return fitConfig(lmConfigSchema, {
    vocab: num(c, 'vocab_size', file),
    width,
    layers: num(c, 'n_layer', file),
    heads,
    kvHeads: heads,
    mlp: typeof c.n_inner === 'number' ? c.n_inner : 4 * width,
    norm: 'layer',
    parallel: false,
    ropeBase: 10000, // unused: positions are learned
    tiedHead: true,
    normEps: typeof c.layer_norm_epsilon === 'number' ? c.layer_norm_epsilon : 1e-5,
    positions: 'learned',
    maxPositions: num(c, 'n_positions', file),
    activation: 'gelu',
    bias: true,
  }, 'LM', file);
}

/** vadapter name (under `lm.`) <- HF name (without the `transformer.` prefix), with the shape vadapter stores. */
export function gpt2Tensors(c: LmConfig): TensorMapping[] {
  const w = c.width;
  const norm = (ours: string, hf: string): TensorMapping[] => [
    { ours: `${ours}.scale`, hf: `${hf}.weight`, shape: [w] },
    { ours: `${ours}.bias`, hf: `${hf}.bias`, shape: [w] },
  ];
  const conv = (ours: string, hf: string, inDim: number, outDim: number): TensorMapping[] => [
    { ours: `${ours}.weight`, hf: `${hf}.weight`, shape: [inDim, outDim] },
    { ours: `${ours}.bias`, hf: `${hf}.bias`, shape: [outDim] },
  ];
  const out: TensorMapping[] = [
    { ours: 'embed.weight', hf: 'wte.weight', shape: [c.vocab, w] },
    { ours: 'pos.weight', hf: 'wpe.weight', shape: [c.maxPositions!, w] },
  ];
  for (let i = 0; i < c.layers; i++) {
    const p = `h.${i}`;
    const b = `blocks.${i}`;
    const qkv = ['q', 'k', 'v'].flatMap((name, j) => [
      { ours: `${b}.attn.${name}.weight`, hf: `${p}.attn.c_attn.weight`, shape: [w, w], columns: { from: j * w, of: 3 * w } },
      { ours: `${b}.attn.${name}.bias`, hf: `${p}.attn.c_attn.bias`, shape: [w], columns: { from: j * w, of: 3 * w } },
    ]);
    out.push(...norm(`${b}.ln1`, `${p}.ln_1`), ...qkv, ...conv(`${b}.attn.o`, `${p}.attn.c_proj`, w, w), ...norm(`${b}.ln2`, `${p}.ln_2`));
    out.push(...conv(`${b}.mlp.fc1`, `${p}.mlp.c_fc`, w, c.mlp), ...conv(`${b}.mlp.fc2`, `${p}.mlp.c_proj`, c.mlp, w));
  }
  out.push(...norm('ln', 'ln_f'));
  return out;
}
