// A Hugging Face model as saved by `save_pretrained`: a folder with config.json and model.safetensors,
// or shards listed by model.safetensors.index.json (`weight_map`: tensor -> file); or a single
// safetensors file with its config given apart. Tensors are read (and their headers checked) per file.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { readSafetensors, readSafetensorsHeader, type HeaderEntry, type TensorRecord } from '../ckpt/safetensors.ts';
import { userError } from '../util/errors.ts';
import { readJsonFile } from '../util/json-file.ts';
import { parseWith } from '../data/json.ts';

export const INDEX_FILE = 'model.safetensors.index.json';

export interface HfModel {
  path: string;
  config: Record<string, unknown>;
  configFile: string;
  files: string[]; // the safetensors files, in order
  /** Every tensor's header entry and the file it is in. */
  entries: Map<string, { entry: HeaderEntry; file: string }>;
}

const indexSchema = z.object({ weight_map: z.record(z.string(), z.string()) });

function weightFiles(dir: string): string[] {
  const index = join(dir, INDEX_FILE);
  if (existsSync(index)) {
    const map = parseWith(indexSchema, readJsonFile(index), index).weight_map;
    const files = [...new Set(Object.values(map))].map((f) => join(dir, f));
    for (const f of files) if (!existsSync(f)) throw userError('missing_file', `${INDEX_FILE} lists ${f}, which does not exist`, { file: index });
    return files;
  }
  const single = join(dir, 'model.safetensors');
  if (existsSync(single)) return [single];
  throw userError('missing_file', `no model.safetensors or ${INDEX_FILE} in this folder`, { file: dir });
}

/** Open `path` (a model folder, or a safetensors file with `configFile`, default config.json beside it). */
export function openHfModel(path: string, configFile?: string): HfModel {
  if (!existsSync(path)) throw userError('missing_file', 'no such file or folder', { file: path });
  const isDir = statSync(path).isDirectory();
  const files = isDir ? weightFiles(path) : [path];
  const cfg = configFile ?? join(isDir ? path : dirname(path), 'config.json');
  if (!existsSync(cfg)) throw userError('missing_file', `no config.json${isDir ? ' in the folder' : ' beside the file; name one with --config'}`, { file: cfg });
  const config = readJsonFile(cfg);
  if (config === null || typeof config !== 'object' || Array.isArray(config)) throw userError('bad_config', 'config.json must hold a JSON object', { file: cfg });
  const entries = new Map<string, { entry: HeaderEntry; file: string }>();
  for (const file of files) {
    for (const entry of readSafetensorsHeader(file).entries) {
      if (entries.has(entry.name)) throw userError('duplicate_tensor', `tensor "${entry.name}" is in both ${entries.get(entry.name)!.file} and this file`, { file, path: [entry.name] });
      entries.set(entry.name, { entry, file });
    }
  }
  return { path, config: config as Record<string, unknown>, configFile: cfg, files, entries };
}

/** The tensors of every file (read file by file). */
export function readHfTensors(model: HfModel): Map<string, TensorRecord & { file: string }> {
  const out = new Map<string, TensorRecord & { file: string }>();
  for (const file of model.files) for (const [name, t] of Object.entries(readSafetensors(file).tensors)) out.set(name, { ...t, file });
  return out;
}
