// Parameter counts, forward FLOPs and activations per example, computed from configs alone (no
// tensors), so that vit-g or lm-1b can be sized on any machine. Conventions:
//   FLOPs: 2 per multiply-add of every matmul (dense layers, attention scores, attention x values,
//          output logits); norms, softmax, activations, adds and embedding lookups are not counted.
//   activations: values produced by those matmuls, plus the attention probabilities, per example
//          (what a backward pass keeps, roughly; an estimate of memory, not a measurement).
import { crossAttentionOf, type AssemblyConfigs, type ConfigsOf, type CrossAttention } from './assembly-config.ts';
import type { NormKind } from './layers.ts';
import type { LmConfig } from './lm.ts';
import type { PoolerConfig } from './pooler.ts';
import type { ResamplerConfig } from './resampler.ts';
import { vitTokens, type VitConfig } from './vit.ts';

export interface Cost {
  params: number;
  flops: number; // forward, per example
  activations: number; // per example
}

class Counter implements Cost {
  params = 0;
  flops = 0;
  activations = 0;

  /** rows x [in -> out]. */
  dense(rows: number, inDim: number, outDim: number, bias: boolean): void {
    this.params += inDim * outDim + (bias ? outDim : 0);
    this.matmul(rows, inDim, outDim);
  }

  /** [m, k] @ [k, n] with no parameters. */
  matmul(m: number, k: number, n: number): void {
    this.flops += 2 * m * k * n;
    this.activations += m * n;
  }

  /** `groups` independent attentions of n queries over m keys with head dim hd: scores, probabilities, outputs. */
  attention(groups: number, n: number, m: number, headDim: number): void {
    this.matmul(groups * n, headDim, m);
    this.activations += groups * n * m; // probabilities
    this.matmul(groups * n, m, headDim);
  }

  norm(width: number, kind: NormKind = 'layer'): void {
    this.params += kind === 'layer' ? 2 * width : width;
  }
}

export function vitCost(c: VitConfig, frames: number): Cost {
  const k = new Counter();
  const s = vitTokens(c);
  const rows = frames * s;
  const patches = frames * (c.image / c.patch) ** 2;
  k.dense(patches, c.patch * c.patch * 3, c.width, c.patchBias ?? true);
  k.params += s * c.width + (c.classToken ? c.width : 0); // position embedding, class token
  if (c.preNorm) k.norm(c.width);
  for (let i = 0; i < c.layers; i++) {
    k.norm(c.width);
    for (let j = 0; j < 3; j++) k.dense(rows, c.width, c.width, true); // q, k, v
    k.attention(frames * c.heads, s, s, c.width / c.heads);
    k.dense(rows, c.width, c.width, true); // o
    k.norm(c.width);
    k.dense(rows, c.width, c.mlp, true);
    k.dense(rows, c.mlp, c.width, true);
  }
  if (c.finalNorm !== false) k.norm(c.width);
  return k;
}

/** mediaTokens = frames x tokens per frame. */
export function resamplerCost(c: ResamplerConfig, mediaTokens: number): Cost {
  const k = new Counter();
  const n = c.queries;
  k.params += n * c.width + (c.timeEmbedding ? c.maxFrames * c.width : 0);
  for (let i = 0; i < c.layers; i++) {
    if (c.norm !== 'none') k.norm(c.width);
    if (c.norm === 'separate') k.norm(c.width);
    k.dense(n, c.width, c.hidden, false); // q
    k.dense(mediaTokens + n, c.width, c.hidden, false); // k
    k.dense(mediaTokens + n, c.width, c.hidden, false); // v
    k.attention(c.heads, n, mediaTokens + n, c.hidden / c.heads);
    k.dense(n, c.hidden, c.width, false); // o
    if (c.ffn) {
      k.norm(c.width);
      k.dense(n, c.width, c.width * c.ffnMult, false);
      k.dense(n, c.width * c.ffnMult, c.width, false);
    }
  }
  if (c.finalNorm) k.norm(c.width);
  return k;
}

export function poolerCost(c: PoolerConfig, mediaTokens: number): Cost {
  const k = new Counter();
  k.params += c.queries * c.width;
  k.dense(c.queries, c.width, c.width, true); // q
  k.dense(mediaTokens, c.inputWidth, c.width, true); // k
  k.dense(mediaTokens, c.inputWidth, c.width, true); // v
  k.attention(c.heads, c.queries, mediaTokens, c.width / c.heads);
  k.dense(c.queries, c.width, c.width, true); // o
  k.norm(c.width);
  return k;
}

/** A forward pass over `tokens` positions (full attention matrix), with logits at `scored` of them. */
export function lmCost(c: LmConfig, tokens: number, scored: number): Cost {
  const k = new Counter();
  const hd = c.width / c.heads;
  const bias = c.bias ?? false;
  k.params += c.vocab * c.width * (c.tiedHead === false ? 2 : 1); // the token embedding (tied as the head), or it and an untied head
  k.params += (c.maxPositions ?? 0) * c.width; // a learned position table
  for (let i = 0; i < c.layers; i++) {
    k.norm(c.width, c.norm);
    if (!c.parallel) k.norm(c.width, c.norm);
    k.dense(tokens, c.width, c.heads * hd, bias);
    k.dense(tokens, c.width, c.kvHeads * hd, bias);
    k.dense(tokens, c.width, c.kvHeads * hd, bias);
    k.attention(c.heads, tokens, tokens, hd);
    k.dense(tokens, c.heads * hd, c.width, bias);
    if (c.activation !== 'gelu') k.dense(tokens, c.width, c.mlp, bias); // the SwiGLU gate
    k.dense(tokens, c.width, c.mlp, bias); // up (fc1)
    k.dense(tokens, c.mlp, c.width, bias); // down (fc2)
  }
  k.norm(c.width, c.norm);
  if (scored > 0) k.matmul(scored, c.width, c.vocab);
  return k;
}

export function denseCost(rows: number, inDim: number, outDim: number): Cost {
  const k = new Counter();
  k.dense(rows, inDim, outDim, true);
  return k;
}

/** The contrastive heads: vision and text projections (no bias) and the temperature. */
function projectionCost(visionWidth: number, textWidth: number, embedDim: number): Cost {
  const k = new Counter();
  k.dense(1, visionWidth, embedDim, false);
  k.dense(1, textWidth, embedDim, false);
  k.params += 1; // logit_scale
  return k;
}

/** Sequence lengths an example has: frames, prompt tokens around the visual tokens, caption tokens. */
export interface ExampleShape {
  frames: number;
  promptTokens: number;
  captionTokens: number;
}

/** Each component's cost for one example, keyed as the assembly's components are. */
export function assemblyCosts(c: AssemblyConfigs, x: ExampleShape): Record<string, Cost> {
  if (c.kind === 'lm') return { lm: lmCost(c.lm, x.captionTokens - 1, x.captionTokens - 1) };
  const media = x.frames * vitTokens(c.vit);
  const vit = vitCost(c.vit, x.frames);
  if (c.kind === 'contrastive') return { vit, text: lmCost(c.text, x.captionTokens, 0), proj: projectionCost(c.vit.width, c.text.width, c.embedDim) };
  if (c.kind === 'captioner') {
    return { vit, pooler: poolerCost(c.pooler, media), tlm: lmCost(c.tlm, x.promptTokens + c.pooler.queries + x.captionTokens, x.captionTokens) };
  }
  const front = crossAttentionOf(c);
  const n = front.config.queries;
  const adapter: Record<string, Cost> = c.kind === 'vadapter' ? { tlm: lmCost(c.tlm, n, 0) } : {};
  return {
    vit,
    ...crossAttentionCosts(c, front, media),
    ...adapter,
    fc_out: denseCost(n, c.kind === 'vadapter' ? c.tlm.width : front.config.width, c.llm.width),
    llm: lmCost(c.llm, x.promptTokens + n + x.captionTokens, x.captionTokens),
  };
}

/** The module in front of the TLM or the LLM: a pooler, or a resampler with the FC before it (the VAdapter's always; the baseline's when widths differ). */
function crossAttentionCosts(c: ConfigsOf<'vadapter' | 'perceiver'>, front: CrossAttention, media: number): Record<string, Cost> {
  if (front.component === 'pooler') return { pooler: poolerCost(front.config, media) };
  const fcIn: Record<string, Cost> = c.kind === 'vadapter' || c.vit.width !== front.config.width ? { fc_in: denseCost(media, c.vit.width, front.config.width) } : {};
  return { ...fcIn, resampler: resamplerCost(front.config, media) };
}
