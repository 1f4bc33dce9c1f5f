// The resolved configs of each assembly kind, and their resolution from a spec's `models:` entries.
// Components are named as their parameters are prefixed: vit, pooler, resampler, fc_in, tlm, fc_out,
// llm (VLMs); lm (language-only pretraining); vit, text, proj (contrastive ViT pretraining).
import { userError } from '../util/errors.ts';
import { type ComponentSpec, resolveComponent } from './config.ts';
import type { LmConfig } from './lm.ts';
import type { PoolerConfig } from './pooler.ts';
import type { ResamplerConfig } from './resampler.ts';
import type { VitConfig } from './vit.ts';

export const ASSEMBLY_KINDS = ['lm', 'contrastive', 'captioner', 'vadapter', 'perceiver'] as const;
export type AssemblyKind = (typeof ASSEMBLY_KINDS)[number];

/** How the decoder attends over [prompt, visual tokens, prompt]: causally, or both ways within that prefix. */
export type DecoderMask = 'causal' | 'prefix';
/** How the TLM attends over the resampler's tokens when it is the adapter (the paper leaves it open). */
export type AdapterMask = 'causal' | 'bidirectional';
/**
 * The scale of the visual tokens handed to the frozen LLM (the paper leaves it open): 'embedding'
 * RMS-normalises each token to the root-mean-square of the LLM's token embeddings, so that the
 * prefix enters the LLM at the scale its own tokens do; 'none' passes the FC's output as it is.
 */
export type VisualNorm = 'embedding' | 'none';

/**
 * CoCa's second objective beside the contrastive one: the text tower also captions the image from a
 * pooler's tokens (its `<bos>` and the caption after them), the loss weighted by `weight`. It makes
 * the ViT carry what captions name (shape, not only colour) when a batch's pairs are told apart by
 * colour alone.
 */
export interface Captioning {
  pooler: PoolerConfig;
  weight: number;
}

/** The VAdapter's cross-attention module in front of the TLM: the paper's perceiver resampler, or an attentional pooler (Table 4). */
type AdapterFront = { resampler: ResamplerConfig; pooler?: never } | { pooler: PoolerConfig; resampler?: never };

export type AssemblyConfigs =
  | { kind: 'lm'; lm: LmConfig }
  | { kind: 'contrastive'; vit: VitConfig; text: LmConfig; embedDim: number; captioning?: Captioning }
  | { kind: 'captioner'; vit: VitConfig; pooler: PoolerConfig; tlm: LmConfig; decoderMask: DecoderMask }
  | ({ kind: 'vadapter'; vit: VitConfig; tlm: LmConfig; llm: LmConfig; adapterMask: AdapterMask; decoderMask: DecoderMask; visualNorm?: VisualNorm } & AdapterFront)
  | { kind: 'perceiver'; vit: VitConfig; resampler: ResamplerConfig; llm: LmConfig; decoderMask: DecoderMask; visualNorm?: VisualNorm };

/** The cross-attention module that reads the ViT's features, as a component name and its config. */
export type CrossAttention = { component: 'pooler'; config: PoolerConfig } | { component: 'resampler'; config: ResamplerConfig };

/** The cross-attention module of a vision-language assembly: the captioner's pooler, the baseline's resampler, the VAdapter's either. */
export function crossAttentionOf(c: ConfigsOf<'captioner' | 'vadapter' | 'perceiver'>): CrossAttention {
  if (c.kind === 'perceiver') return { component: 'resampler', config: c.resampler };
  return c.pooler ? { component: 'pooler', config: c.pooler } : { component: 'resampler', config: c.resampler };
}

export type ConfigsOf<K extends AssemblyKind> = Extract<AssemblyConfigs, { kind: K }>;

/** What a spec gives: component specs (preset + overrides) and options. */
export interface AssemblySpec {
  vit?: ComponentSpec;
  lm?: ComponentSpec;
  text?: ComponentSpec;
  tlm?: ComponentSpec;
  llm?: ComponentSpec;
  pooler?: ComponentSpec;
  resampler?: ComponentSpec;
  embedDim?: number;
  captioning?: { pooler: ComponentSpec; weight: number }; // contrastive: CoCa's captioning objective
  adapterMask?: AdapterMask;
  decoderMask?: DecoderMask;
  visualNorm?: VisualNorm;
}

function need(spec: AssemblySpec, key: keyof AssemblySpec, kind: AssemblyKind, path: (string | number)[]): ComponentSpec {
  const value = spec[key];
  if (value === undefined || typeof value !== 'object') throw userError('missing_key', `a ${kind} assembly needs a "${key}" component`, { path: [...path, key] });
  return value;
}

/** Resolve every component of an assembly, deriving the widths that join them. */
export function resolveAssembly(kind: AssemblyKind, spec: AssemblySpec, path: (string | number)[] = ['models']): AssemblyConfigs {
  const at = (key: string) => [...path, key];
  const decoderMask = spec.decoderMask ?? 'causal';
  if (kind === 'lm') return { kind, lm: resolveComponent('lm', need(spec, 'lm', kind, path), {}, at('lm')) };
  const vit = resolveComponent('vit', need(spec, 'vit', kind, path), {}, at('vit'));
  if (kind === 'contrastive') {
    const text = resolveComponent('lm', need(spec, 'text', kind, path), {}, at('text'));
    return { kind, vit, text, embedDim: spec.embedDim ?? vit.width, ...captioningOf(spec, vit, text, path) };
  }
  if (kind === 'captioner') {
    const tlm = resolveComponent('lm', need(spec, 'tlm', kind, path), {}, at('tlm'));
    const pooler = resolveComponent('pooler', need(spec, 'pooler', kind, path), { width: tlm.width, inputWidth: vit.width }, at('pooler'));
    checkJoin(pooler.width === tlm.width, `pooler width ${pooler.width} must equal the TLM's width ${tlm.width}`, at('pooler'));
    checkJoin(pooler.inputWidth === vit.width, `pooler inputWidth ${pooler.inputWidth} must equal the ViT's width ${vit.width}`, at('pooler'));
    return { kind, vit, pooler, tlm, decoderMask };
  }
  const llm = resolveComponent('lm', need(spec, 'llm', kind, path), {}, at('llm'));
  if (kind === 'perceiver') {
    const resampler = resolveComponent('resampler', need(spec, 'resampler', kind, path), { width: vit.width, hidden: vit.width }, at('resampler'));
    return { kind, vit, resampler, llm, decoderMask, visualNorm: spec.visualNorm ?? 'embedding' };
  }
  const tlm = resolveComponent('lm', need(spec, 'tlm', kind, path), {}, at('tlm'));
  return { kind, vit, ...adapterFront(spec, vit, tlm, path), tlm, llm, adapterMask: spec.adapterMask ?? 'causal', decoderMask, visualNorm: spec.visualNorm ?? 'embedding' };
}

/** The contrastive assembly's captioning objective, when the spec asks for it: its pooler emits tokens of the text tower's width. */
function captioningOf(spec: AssemblySpec, vit: VitConfig, text: LmConfig, path: (string | number)[]): { captioning?: Captioning } {
  if (spec.captioning === undefined) return {};
  const at = [...path, 'captioning', 'pooler'];
  const pooler = resolveComponent('pooler', spec.captioning.pooler, { width: text.width, inputWidth: vit.width }, at);
  checkJoin(pooler.width === text.width && pooler.inputWidth === vit.width, `pooler widths ${pooler.inputWidth} -> ${pooler.width} must be the ViT's ${vit.width} -> the text tower's ${text.width}`, at);
  return { captioning: { pooler, weight: spec.captioning.weight } };
}

/** The VAdapter's module in front of the TLM: `resampler` when given, else `pooler`; either emits tokens of the TLM's width. */
function adapterFront(spec: AssemblySpec, vit: VitConfig, tlm: LmConfig, path: (string | number)[]): AdapterFront {
  if (spec.resampler === undefined && spec.pooler !== undefined) {
    const pooler = resolveComponent('pooler', spec.pooler, { width: tlm.width, inputWidth: vit.width }, [...path, 'pooler']);
    checkJoin(pooler.width === tlm.width && pooler.inputWidth === vit.width, `pooler widths ${pooler.inputWidth} -> ${pooler.width} must be the ViT's ${vit.width} -> the TLM's ${tlm.width}`, [...path, 'pooler']);
    return { pooler };
  }
  const resampler = resolveComponent('resampler', need(spec, 'resampler', 'vadapter', path), { width: tlm.width, hidden: tlm.width }, [...path, 'resampler']);
  checkJoin(resampler.width === tlm.width, `resampler width ${resampler.width} must equal the TLM's width ${tlm.width} (its tokens are the TLM's input)`, [...path, 'resampler']);
  return { resampler };
}

function checkJoin(ok: boolean, message: string, path: (string | number)[]): void {
  if (!ok) throw userError('component_mismatch', message, { path });
}
