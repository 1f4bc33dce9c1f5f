// `vadapter weights inspect`: what a checkpoint holds (tensors, dtypes, shapes, parameters) from the
// safetensors headers alone, the format it is recognised as and the vadapter config it maps to, or
// why it cannot be imported. Given a config.json alone, it reports the mapping and the parameters
// that config implies (sizing a public model before downloading its weights).
import { lmCost, vitCost } from '../models/cost.ts';
import type { LmConfig } from '../models/lm.ts';
import type { VitConfig } from '../models/vit.ts';
import { UserError, userError } from '../util/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { resolveFormat, type ImportedConfig, type WeightFormat } from './formats.ts';
import { openHfModel } from './hf-model.ts';

export interface WeightsReport {
  path: string;
  config: string;
  files: string[];
  tensors: { name: string; dtype: string; shape: number[]; file: string }[];
  parameters: number; // in the stored tensors (0 for a config.json alone)
  dtypes: Record<string, number>; // dtype -> tensors
  format: string | null;
  mapsTo: { component: string; config: ImportedConfig; parameters: number } | null; // parameters: what the mapped config implies
  problem: string | null; // why it does not import, when it does not
}

/** Parameters of the vadapter component a format maps to. */
function impliedParameters(component: WeightFormat['component'], config: ImportedConfig): number {
  return component === 'lm' ? lmCost(config as LmConfig, 1, 1).params : vitCost(config as VitConfig, 1).params;
}

function configOnly(path: string): Record<string, unknown> {
  const config = readJsonFile(path);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw userError('bad_config', 'config.json must hold a JSON object', { file: path });
  return config as Record<string, unknown>;
}

export function inspectWeights(path: string, o: { config?: string; format?: string } = {}): WeightsReport {
  const alone = path.endsWith('.json');
  const model = alone ? { config: configOnly(path), configFile: path, files: [], entries: new Map() } : openHfModel(path, o.config);
  const tensors = [...model.entries].map(([name, { entry, file }]) => ({ name, dtype: entry.dtype, shape: entry.shape, file }));
  const dtypes: Record<string, number> = {};
  for (const t of tensors) dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
  const parameters = tensors.reduce((a, t) => a + t.shape.reduce((x: number, y: number) => x * y, 1), 0);
  const base = { path, config: model.configFile, files: model.files, tensors, parameters, dtypes };
  try {
    const format = resolveFormat(model.config, model.configFile, o.format);
    const config = format.config(model.config, model.configFile);
    return { ...base, format: format.name, mapsTo: { component: format.component, config, parameters: impliedParameters(format.component, config) }, problem: null };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { ...base, format: null, mapsTo: null, problem: err.message };
  }
}
