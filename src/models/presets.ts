// Model presets as plain data tables with their source. A spec names a preset and overrides fields;
// fields a preset leaves out (a resampler's width, a pooler's widths) are derived from the
// neighbouring components by the assembly (see assembly.ts).
import { unknownNameMessage, userError } from '../util/errors.ts';
import type { LmConfig } from './lm.ts';
import type { PoolerConfig } from './pooler.ts';
import type { ResamplerConfig } from './resampler.ts';
import type { VitConfig } from './vit.ts';

export type ComponentKind = 'vit' | 'lm' | 'resampler' | 'pooler';

export interface ComponentConfigs {
  vit: VitConfig;
  lm: LmConfig;
  resampler: ResamplerConfig;
  pooler: PoolerConfig;
}

export interface Preset<K extends ComponentKind = ComponentKind> {
  kind: K;
  source: string;
  config: Partial<ComponentConfigs[K]>;
}

const vit = (source: string, config: VitConfig): Preset<'vit'> => ({ kind: 'vit', source, config });
const lm = (source: string, config: Omit<LmConfig, 'norm' | 'ropeBase'> & Partial<LmConfig>): Preset<'lm'> => ({ kind: 'lm', source, config: { norm: 'rms', ropeBase: 10000, ...config } });
const FLAMINGO = { norm: 'separate', finalNorm: false, ffn: true, ffnMult: 4, timeEmbedding: true, maxFrames: 8 } as const;
const resampler = (source: string, config: Partial<ResamplerConfig>): Preset<'resampler'> => ({ kind: 'resampler', source, config: { ...FLAMINGO, ...config } });
const pooler = (source: string, config: Partial<PoolerConfig>): Preset<'pooler'> => ({ kind: 'pooler', source, config });

export const VIT_PRESETS: Record<string, Preset<'vit'>> = {
  'vit-tiny': vit('CPU size: 32 px, patch 8 (16 tokens a frame), 2 layers, width 64; 80K', { image: 32, patch: 8, width: 64, layers: 2, heads: 4, mlp: 128 }),
  'vit-small': vit('CPU size: 64 px, patch 8 (64 tokens a frame), 4 layers, width 128; 0.83M', { image: 64, patch: 8, width: 128, layers: 4, heads: 4, mlp: 512 }),
  'vit-b': vit('CoCa ViT-B at 288 px / patch 18 (PaLM2-VAdapter): 12 layers, width 768; 86.0M', { image: 288, patch: 18, width: 768, layers: 12, heads: 12, mlp: 3072 }),
  'vit-l': vit('CoCa ViT-L at 288 px / patch 18: 24 layers, width 1024; 303.6M', { image: 288, patch: 18, width: 1024, layers: 24, heads: 16, mlp: 4096 }),
  'vit-g': vit('CoCa ViT-g (giant) at 288 px / patch 18: 40 layers, width 1408; 1.01B', { image: 288, patch: 18, width: 1408, layers: 40, heads: 16, mlp: 6144 }),
};

export const LM_PRESETS: Record<string, Preset<'lm'>> = {
  'lm-tiny': lm('CPU size: 2 layers, width 64, vocab 512; 0.14M', { vocab: 512, width: 64, layers: 2, heads: 4, kvHeads: 4, mlp: 192, parallel: false }),
  'lm-small': lm('CPU size: 4 layers, width 256, vocab 4096; 4.46M', { vocab: 4096, width: 256, layers: 4, heads: 4, kvHeads: 4, mlp: 768, parallel: false }),
  'palm2-tiny': lm("the paper's Tiny PaLM2 adapter (~108M; depth/width not stated): 12 layers, width 768, vocab 32000; 109.5M", { vocab: 32000, width: 768, layers: 12, heads: 12, kvHeads: 12, mlp: 2048, parallel: true }),
  'lm-1b': lm('sized as PaLM 2-1B (not public): 18 layers, width 2048, vocab 32000; 0.99B', { vocab: 32000, width: 2048, layers: 18, heads: 16, kvHeads: 16, mlp: 5632, parallel: true }),
};

export const RESAMPLER_PRESETS: Record<string, Preset<'resampler'>> = {
  'resampler-flamingo': resampler("the paper's baseline (Table 1 best): 6 layers, 256 queries, width 768; heads 8 x 64 as Flamingo", { layers: 6, queries: 256, width: 768, hidden: 512, heads: 8 }),
  'resampler-tiny': resampler('CPU size baseline: 2 layers, 8 queries, width 64', { layers: 2, queries: 8, width: 64, hidden: 64, heads: 4 }),
  'resampler-1layer': resampler("the VAdapter's 1-layer resampler (queries not stated: 64); width = the TLM's", { layers: 1, queries: 64, heads: 8 }),
  'resampler-1layer-tiny': resampler("CPU size VAdapter resampler: 1 layer, 8 queries; width = the TLM's", { layers: 1, queries: 8, heads: 4 }),
};

export const POOLER_PRESETS: Record<string, Preset<'pooler'>> = {
  pooler: pooler('CoCa attentional pooler for stage 1 (queries not stated: 64); widths from the ViT and the TLM', { queries: 64, heads: 8 }),
  'pooler-tiny': pooler('CPU size stage-1 pooler: 8 queries', { queries: 8, heads: 4 }),
};

/** One registry over preset tables; a name in two tables is an error. */
export function buildPresetRegistry(tables: Record<string, Preset>[]): Map<string, Preset> {
  const registry = new Map<string, Preset>();
  for (const table of tables) {
    for (const [name, preset] of Object.entries(table)) {
      if (registry.has(name)) throw new Error(`model preset "${name}" registered twice`);
      registry.set(name, preset);
    }
  }
  return registry;
}

const PRESETS = buildPresetRegistry([VIT_PRESETS, LM_PRESETS, RESAMPLER_PRESETS, POOLER_PRESETS] as Record<string, Preset>[]);

export function presetNames(kind?: ComponentKind): string[] {
  return [...PRESETS].filter(([, p]) => kind === undefined || p.kind === kind).map(([n]) => n);
}

/** The preset of this name (and, if given, kind); an unknown name is an error listing the known ones. */
export function findPreset<K extends ComponentKind>(name: string, kind?: K): Preset<K> {
  const preset = PRESETS.get(name);
  if (preset && (kind === undefined || preset.kind === kind)) return preset as Preset<K>;
  const known = presetNames(kind);
  const what = kind === undefined ? 'model preset' : `${kind} preset`;
  throw userError('unknown_preset', unknownNameMessage(`unknown ${what} "${name}"`, name, known));
}
