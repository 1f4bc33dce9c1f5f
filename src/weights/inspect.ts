// `vadapter weights inspect`: what a checkpoint holds (tensors, dtypes, shapes, parameters) from the
// safetensors headers alone, the format it is recognised as and the vadapter config it maps to, or
// why it cannot be imported.
import { UserError } from '../util/errors.ts';
import { resolveFormat, type ImportedConfig } from './formats.ts';
import { openHfModel } from './hf-model.ts';

export interface WeightsReport {
  path: string;
  config: string;
  files: string[];
  tensors: { name: string; dtype: string; shape: number[]; file: string }[];
  parameters: number;
  dtypes: Record<string, number>; // dtype -> tensors
  format: string | null;
  mapsTo: { component: string; config: ImportedConfig } | null;
  problem: string | null; // why it does not import, when it does not
}

export function inspectWeights(path: string, o: { config?: string; format?: string } = {}): WeightsReport {
  const model = openHfModel(path, o.config);
  const tensors = [...model.entries].map(([name, { entry, file }]) => ({ name, dtype: entry.dtype, shape: entry.shape, file }));
  const dtypes: Record<string, number> = {};
  for (const t of tensors) dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
  const parameters = tensors.reduce((a, t) => a + t.shape.reduce((x, y) => x * y, 1), 0);
  const base = { path, config: model.configFile, files: model.files, tensors, parameters, dtypes };
  try {
    const format = resolveFormat(model.config, model.configFile, o.format);
    return { ...base, format: format.name, mapsTo: { component: format.component, config: format.config(model.config, model.configFile) }, problem: null };
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    return { ...base, format: null, mapsTo: null, problem: err.message };
  }
}
