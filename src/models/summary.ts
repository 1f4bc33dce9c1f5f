// Model summaries: parameters (trainable vs frozen) per component, forward FLOPs and activations per
// example, for an assembly or a single preset, computed from configs (see cost.ts for conventions).
import { FROZEN_COMPONENTS, unusedParams } from './assembly.ts';
import { ASSEMBLY_KINDS, type AssemblyConfigs, type AssemblyKind, resolveAssembly } from './assembly-config.ts';
import { resolveComponent, type ComponentSpec } from './config.ts';
import { assemblyCosts, lmCost, type ExampleShape, vitCost } from './cost.ts';
import { findPreset, presetNames } from './presets.ts';
import { unknownNameMessage, userError } from '../util/errors.ts';

export interface ComponentSummary {
  params: number;
  trainable: number;
  flops: number;
  activations: number;
}

export interface ModelSummary {
  name: string;
  shape: ExampleShape;
  params: number;
  trainable: number;
  frozen: number;
  components: Record<string, ComponentSummary>;
  flopsPerExample: number;
  activationsPerExample: number;
}

export const DEFAULT_SHAPE: ExampleShape = { frames: 8, promptTokens: 8, captionTokens: 32 };

function total(name: string, shape: ExampleShape, components: Record<string, ComponentSummary>): ModelSummary {
  const sum = (f: (c: ComponentSummary) => number) => Object.values(components).reduce((n, c) => n + f(c), 0);
  const params = sum((c) => c.params);
  const trainable = sum((c) => c.trainable);
  return { name, shape, params, trainable, frozen: params - trainable, components, flopsPerExample: sum((c) => c.flops), activationsPerExample: sum((c) => c.activations) };
}

export function summarizeAssembly(c: AssemblyConfigs, shape: ExampleShape = DEFAULT_SHAPE): ModelSummary {
  const frozen = new Set(FROZEN_COMPONENTS[c.kind]);
  const unused = [...unusedParams(c)];
  const components: Record<string, ComponentSummary> = {};
  for (const [name, cost] of Object.entries(assemblyCosts(c, shape))) {
    const notTrained = unused.filter(([p]) => p.startsWith(`${name}.`)).reduce((n, [, size]) => n + size, 0);
    components[name] = { ...cost, trainable: frozen.has(name) ? 0 : cost.params - notTrained };
  }
  return total(c.kind, shape, components);
}

/** A ViT or LM preset on its own, every parameter trainable (as in its pretraining stage). */
export function summarizePreset(name: string, shape: ExampleShape = DEFAULT_SHAPE): ModelSummary {
  return summarizeComponent(name, { preset: name }, shape);
}

/** A ViT or LM component written as a spec writes it (`{preset, ...overrides}`), every parameter trainable. */
export function summarizeComponent(name: string, spec: ComponentSpec, shape: ExampleShape = DEFAULT_SHAPE): ModelSummary {
  if (spec.preset === undefined) throw userError('bad_arguments', `model "${name}" names no preset, so its kind (vit or lm) is unknown`);
  const preset = findPreset(spec.preset);
  if (preset.kind === 'vit') {
    const cost = vitCost(resolveComponent('vit', spec, {}, [name]), shape.frames);
    return total(name, shape, { vit: { ...cost, trainable: cost.params } });
  }
  if (preset.kind === 'lm') {
    const cost = lmCost(resolveComponent('lm', spec, {}, [name]), shape.captionTokens, shape.captionTokens);
    return total(name, shape, { lm: { ...cost, trainable: cost.params } });
  }
  throw userError('bad_arguments', `"${name}" is a ${preset.kind}, whose widths come from the components around it: summarize an assembly, e.g. \`vadapter model summary ${preset.kind === 'pooler' ? 'captioner --pooler' : preset.config.width ? 'perceiver --resampler' : 'vadapter --resampler'} ${spec.preset}\``);
}

/** The paper's sizes, used for components a summary request leaves out. */
const PAPER_COMPONENTS: Record<string, string> = { vit: 'vit-b', lm: 'lm-1b', text: 'lm-small', tlm: 'palm2-tiny', llm: 'lm-1b', pooler: 'pooler' };

/**
 * Summarize an assembly kind (components by preset name, defaults at the paper's sizes) or a ViT/LM
 * preset. A vadapter given a pooler and no resampler puts the pooler in front of the TLM (Table 4).
 */
export function summarizeByName(name: string, presets: Record<string, string | undefined> = {}, shape: ExampleShape = DEFAULT_SHAPE): ModelSummary {
  if (!(ASSEMBLY_KINDS as readonly string[]).includes(name)) {
    if (!presetNames().includes(name)) {
      const known = [...ASSEMBLY_KINDS, ...presetNames()];
      throw userError('unknown_model', unknownNameMessage(`unknown model "${name}"`, name, known));
    }
    return summarizePreset(name, shape);
  }
  const kind = name as AssemblyKind;
  const poolerFront = kind === 'vadapter' && presets.pooler !== undefined && presets.resampler === undefined; // Table 4's pooler arm
  const defaults = poolerFront ? PAPER_COMPONENTS : { ...PAPER_COMPONENTS, resampler: kind === 'perceiver' ? 'resampler-flamingo' : 'resampler-1layer' };
  const spec = Object.fromEntries(Object.entries(defaults).map(([component, preset]) => [component, { preset: presets[component] ?? preset }]));
  return summarizeAssembly(resolveAssembly(kind, spec), shape);
}
